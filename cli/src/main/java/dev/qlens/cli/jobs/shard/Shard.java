package dev.qlens.cli.jobs.shard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One share of a job's tensors: shard {@code index} of {@code count} (both 1-based, as {@code --shard 2/4}
 * reads). The assignment is a stable greedy bin packing by size: the tensors, largest first (ties by
 * name), each go to the shard with the least work so far (ties to the lowest shard). It depends only
 * on the names and sizes of all selected tensors, so every machine that plans from the same headers
 * gets the same split, with no coordinator.
 *
 * @param index this shard, 1..count
 * @param count the number of shards
 */
public record Shard(int index, int count) {
    private static final Pattern FORM = Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\d+)\\s*");

    /** Validates. */
    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException("--shard must be K/N with 1 <= K <= N, not " + index + "/" + count);
        }
    }

    /** Parses "K/N". */
    public static Shard parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("--shard must be K/N (for example 2/4: the second of four shares), not '" + text + "'");
        }
        try {
            return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shard numbers are too large: " + text);
        }
    }

    /** The shard (1-based) of every item, for items with these names and sizes (bytes of work). */
    public static int[] assign(List<String> names, long[] sizes, int count) {
        int n = names.size();
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong((Integer i) -> -sizes[i]).thenComparing(names::get).thenComparing(i -> i));
        long[] load = new long[count];
        int[] out = new int[n];
        for (int i : order) {
            int best = 0;
            for (int s = 1; s < count; s++) {
                if (load[s] < load[best]) {
                    best = s;
                }
            }
            load[best] += Math.max(1, sizes[i]);
            out[i] = best + 1;
        }
        return out;
    }

    /** Which of the items belong to this shard. */
    public boolean[] select(List<String> names, long[] sizes) {
        int[] a = assign(names, sizes, count);
        boolean[] mine = new boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            mine[i] = a[i] == index;
        }
        return mine;
    }

    /**
     * A digest of the planned items (names and sizes in order): parts can only be merged when they were
     * planned from the same tensors.
     */
    public static String plan(List<String> names, long[] sizes) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < names.size(); i++) {
                d.update(names.get(i).getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                d.update(Long.toString(sizes[i]).getBytes(StandardCharsets.US_ASCII));
                d.update((byte) '\n');
            }
            return HexFormat.of().formatHex(d.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}

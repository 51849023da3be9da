package dev.qlens.cli.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.cli.jobs.shard.Shard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The shard assignment: a partition, stable, balanced, and independent of the order the tensors are listed in. */
class ShardTest {
    @Property(tries = 200)
    void everyTensorGoesToExactlyOneBalancedShard(@ForAll @Size(min = 1, max = 60) List<@LongRange(min = 0, max = 1_000_000) Long> sizes,
                                                  @ForAll @IntRange(min = 1, max = 9) int count) {
        List<String> names = new ArrayList<>();
        long[] s = new long[sizes.size()];
        long biggest = 1;
        for (int i = 0; i < s.length; i++) {
            names.add("t" + i);
            s[i] = sizes.get(i);
            biggest = Math.max(biggest, s[i]);
        }
        int[] a = Shard.assign(names, s, count);
        long[] load = new long[count];
        for (int i = 0; i < a.length; i++) {
            assertTrue(a[i] >= 1 && a[i] <= count);
            load[a[i] - 1] += Math.max(1, s[i]);
        }
        int selected = 0;
        for (int k = 1; k <= count; k++) {
            for (boolean b : new Shard(k, count).select(names, s)) {
                selected += b ? 1 : 0;
            }
        }
        assertEquals(names.size(), selected, "a partition");
        long min = Long.MAX_VALUE;
        long max = 0;
        for (long l : load) {
            min = Math.min(min, l);
            max = Math.max(max, l);
        }
        assertTrue(max - min <= biggest, "greedy balance: the spread is at most one tensor");
        assertArrayEquals(a, Shard.assign(names, s, count), "stable");
    }

    @Property(tries = 50)
    void theListingOrderDoesNotMatter(@ForAll @Size(min = 2, max = 30) List<@LongRange(min = 1, max = 1000) Long> sizes,
                                      @ForAll @IntRange(min = 2, max = 5) int count) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new java.util.Random(sizes.size()));
        List<String> names = new ArrayList<>();
        List<String> shuffledNames = new ArrayList<>();
        long[] s = new long[sizes.size()];
        long[] t = new long[sizes.size()];
        for (int i = 0; i < s.length; i++) {
            names.add("t" + i);
            s[i] = sizes.get(i);
            shuffledNames.add("t" + order.get(i));
            t[i] = sizes.get(order.get(i));
        }
        int[] a = Shard.assign(names, s, count);
        int[] b = Shard.assign(shuffledNames, t, count);
        for (int i = 0; i < s.length; i++) {
            assertEquals(a[order.get(i)], b[i], shuffledNames.get(i));
        }
    }

    @Property(tries = 20)
    void parsesAndRefuses(@ForAll @IntRange(min = 1, max = 50) int n) {
        assertEquals(new Shard(n, n), Shard.parse(" " + n + " / " + n));
        assertEquals(new Shard(1, n), Shard.parse("1/" + n));
        for (String bad : List.of("0/" + n, (n + 1) + "/" + n, "1", "a/b", "1/0")) {
            try {
                Shard.parse(bad);
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains("--shard"));
            }
        }
        assertNotEquals(Shard.plan(List.of("a"), new long[] {1}), Shard.plan(List.of("a"), new long[] {2}));
    }
}

package dev.qlens.cli.jobs.eval;

import dev.qlens.core.model.BertTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Texts as token ids, cut at a limit, grouped into batches of about a fixed number of tokens. */
final class TokenizedTexts {
    private final int[][] ids;
    private final int truncated;
    private final int[] fullLengths;
    private final List<int[][]> batches = new ArrayList<>();

    TokenizedTexts(List<String> texts, BertTokenizer tokenizer, int maxTokens, int batchTokens) {
        ids = new int[texts.size()][];
        fullLengths = new int[texts.size()];
        int cut = 0;
        for (int i = 0; i < ids.length; i++) {
            int[] all = tokenizer.encode(texts.get(i), Integer.MAX_VALUE);
            fullLengths[i] = all.length;
            if (all.length > maxTokens) {
                ids[i] = tokenizer.encode(texts.get(i), maxTokens);
                cut++;
            } else {
                ids[i] = all;
            }
        }
        truncated = cut;
        int from = 0;
        while (from < ids.length) {
            int to = from;
            long tokens = 0;
            while (to < ids.length && (to == from || tokens + ids[to].length <= batchTokens)) {
                tokens += ids[to].length;
                to++;
            }
            batches.add(Arrays.copyOfRange(ids, from, to));
            from = to;
        }
    }

    /** Token ids per text, in input order. */
    int[][] ids() {
        return ids;
    }

    /** Texts cut at the limit. */
    int truncated() {
        return truncated;
    }

    /** Texts longer than {@code limit} tokens before any cut. */
    int truncatedAt(int limit) {
        int n = 0;
        for (int l : fullLengths) {
            if (l > limit) {
                n++;
            }
        }
        return n;
    }

    /** Consecutive texts of at most the batch's tokens each (a longer text alone). */
    List<int[][]> batches() {
        return batches;
    }

    /** All tokens. */
    long tokens() {
        long n = 0;
        for (int[] s : ids) {
            n += s.length;
        }
        return n;
    }
}

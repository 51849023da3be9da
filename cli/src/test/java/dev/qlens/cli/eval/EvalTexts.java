package dev.qlens.cli.eval;

import dev.qlens.cli.jobs.eval.EvalCorpus;
import dev.qlens.core.testing.RealModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The built-in corpus for tests (Lucene's Europarl lines, a test dependency) and hand-picked hard cases. */
final class EvalTexts {
    /** Strings that exercise the tokenizer's normalizer and pre-tokenizer. */
    static final List<String> EDGE = List.of("Hello, world!", "a", "", "   ", "naïve café résumé Ångström",
            "Quantization of FP8/NVFP4 weights: 4.5 bits/elem (±0.3%)!", "ＦＵＬＬ　ＷＩＤＴＨ and 東京 and 한국어",
            "tab\tand\nnewline and zero\u200bwidth", "control\u0001chars\u0007here", "emoji 🙂 and ∑ math ≠ ≈",
            "supercalifragilisticexpialidocious" + "x".repeat(120), "don't won't it's O'Neill's",
            "ÉCOLE Ölçü ĲSSEL ß ﬁnance", "Straße vs STRASSE", "\u00a0non-breaking\u2003spaces\u3000",
            "[CLS] [SEP] [MASK] [UNK] tokens as text", "http://example.com/a_b-c?d=e&f=g#h", "1,234,567.89 vs 1.234.567,89");

    private EvalTexts() {
    }

    /** Every English paragraph of the built-in corpus, in order. */
    static List<String> corpus() {
        try {
            return EvalCorpus.europarlEnglish(RealModels.extract(RealModels.EUROPARL));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first n evaluation texts of the default split. */
    static List<String> evaluation(int n) {
        return EvalCorpus.split(corpus(), 64, n).evaluation();
    }

    /** Evaluation texts plus the hard cases (non-empty ones). */
    static List<String> withEdges(int n) {
        List<String> out = new ArrayList<>(evaluation(n));
        for (String e : EDGE) {
            if (!e.isBlank()) {
                out.add(e);
            }
        }
        return out;
    }
}

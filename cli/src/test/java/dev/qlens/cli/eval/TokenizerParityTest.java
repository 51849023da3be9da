package dev.qlens.cli.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.qlens.core.model.BertTokenizer;
import dev.qlens.core.testing.RealModels;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * qlens' WordPiece tokenizer against the Hugging Face tokenizers library (DJL's binding, test scope
 * only) on every text of the built-in corpus and on hand-picked hard cases: the same ids.
 */
@Tag("vector-only")
class TokenizerParityTest {
    @ParameterizedTest
    @ValueSource(strings = {RealModels.MINILM_TOKENIZER, RealModels.BGE_TOKENIZER, RealModels.E5_TOKENIZER})
    void idsEqualTheReferenceTokenizer(String resource) throws Exception {
        Path file = RealModels.extract(resource);
        BertTokenizer ours;
        try (Reader r = Files.newBufferedReader(file)) {
            ours = BertTokenizer.read(r);
        }
        List<String> texts = new ArrayList<>(EvalTexts.corpus());
        texts.addAll(EvalTexts.EDGE);
        int compared = 0;
        try (HuggingFaceTokenizer ref = HuggingFaceTokenizer.newInstance(file,
                Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"))) {
            for (String t : texts) {
                long[] want = ref.encode(t).getIds();
                int[] got = ours.encode(t, 100_000);
                long[] gotLong = new long[got.length];
                for (int i = 0; i < got.length; i++) {
                    gotLong[i] = got[i];
                }
                assertArrayEquals(want, gotLong, () -> "ids of: " + t);
                compared++;
            }
        }
        assertTrue(compared > 1400, "compared " + compared + " texts");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 10, 128})
    void truncationKeepsClsAndSep(int max) throws Exception {
        BertTokenizer ours;
        try (Reader r = Files.newBufferedReader(RealModels.extract(RealModels.MINILM_TOKENIZER))) {
            ours = BertTokenizer.read(r);
        }
        String text = EvalTexts.evaluation(1).get(0).repeat(4);
        int[] full = ours.encode(text, 100_000);
        int[] cut = ours.encode(text, max);
        assertEquals(Math.min(max, full.length), cut.length);
        assertEquals(full[0], cut[0]);
        assertEquals(full[full.length - 1], cut[cut.length - 1], "ends with [SEP]");
        for (int i = 1; i < cut.length - 1; i++) {
            assertEquals(full[i], cut[i], "a prefix of the full encoding");
        }
        assertEquals(128, ours.declaredMaxLength(), "MiniLM's tokenizer file declares 128");
    }
}

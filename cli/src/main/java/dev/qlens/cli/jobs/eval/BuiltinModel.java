package dev.qlens.cli.jobs.eval;

import dev.qlens.cli.jobs.maven.MavenFile;
import dev.qlens.core.model.BertConfig;
import java.util.Locale;

/** The sentence-embedding models {@code qlens eval} knows by name, with their tokenizers and int8 twins. */
public enum BuiltinModel {
    /** all-MiniLM-L6-v2: 6 layers, 384 wide, 12 heads, mean pooling. */
    MINILM("all-MiniLM-L6-v2", MavenFile.MINILM_FP32, MavenFile.MINILM_TOKENIZER, MavenFile.MINILM_INT8,
            BertConfig.Pooling.MEAN),
    /** bge-small-en-v1.5: 12 layers, 384 wide, 12 heads, [CLS] pooling. */
    BGE("bge-small-en-v1.5", MavenFile.BGE_FP32, MavenFile.BGE_TOKENIZER, MavenFile.BGE_INT8, BertConfig.Pooling.CLS),
    /** e5-small-v2: 12 layers, 384 wide, 12 heads, mean pooling (its "query: " prefixes are left to the texts). */
    E5("e5-small-v2", MavenFile.E5_FP32, MavenFile.E5_TOKENIZER, MavenFile.E5_INT8, BertConfig.Pooling.MEAN);

    /** All three have 12 heads of 32. */
    static final int HEADS = 12;

    private final String displayName;
    private final MavenFile fp32;
    private final MavenFile tokenizer;
    private final MavenFile int8;
    private final BertConfig.Pooling pooling;

    BuiltinModel(String displayName, MavenFile fp32, MavenFile tokenizer, MavenFile int8, BertConfig.Pooling pooling) {
        this.displayName = displayName;
        this.fp32 = fp32;
        this.tokenizer = tokenizer;
        this.int8 = int8;
        this.pooling = pooling;
    }

    /** The short name used on the command line ({@code minilm}, {@code bge}, {@code e5}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The model's published name. */
    public String displayName() {
        return displayName;
    }

    /** The float32 ONNX model. */
    public MavenFile fp32() {
        return fp32;
    }

    /** Its tokenizer.json. */
    public MavenFile tokenizer() {
        return tokenizer;
    }

    /** ONNX Runtime's int8 twin ({@code quantize_dynamic}). */
    public MavenFile int8() {
        return int8;
    }

    /** The sentence pooling. */
    public BertConfig.Pooling pooling() {
        return pooling;
    }

    /** The model of a command-line name, or null. */
    public static BuiltinModel byKey(String key) {
        for (BuiltinModel m : values()) {
            if (m.key().equalsIgnoreCase(key)) {
                return m;
            }
        }
        return null;
    }
}

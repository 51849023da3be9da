package dev.qlens.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The JIT directives of qlens' launchers ({@code lib/jvm.options}, also packed in the qlens jar). */
final class JvmOptions {
    private static final String RESOURCE = "/dev/qlens/cli/jvm.options";

    private JvmOptions() {
    }

    /** The -XX options of jvm.options, in order (the module option is Spark's to give). */
    static List<String> jitDirectives() {
        try (InputStream in = JvmOptions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath: put the qlens jar on it");
            }
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String t = line.trim();
                if (t.startsWith("-XX:")) {
                    out.add(t);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

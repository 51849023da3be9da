package dev.qlens.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Verifies the {@code MANIFEST.sha256} that came with the golden vectors: every listed file exists
 * on the test class path with the recorded size and sha256.
 */
public final class ManifestCheck {
    private ManifestCheck() {
    }

    /**
     * Checks every entry of {@code /testvectors/MANIFEST.sha256} visible to the given class's loader.
     *
     * @return one line per problem; empty when all files match
     */
    public static List<String> verify(Class<?> anchor) {
        return verify(anchor, "MANIFEST.sha256");
    }

    /**
     * Checks every entry of {@code /testvectors/<manifest>}; listed paths are relative to {@code /testvectors/}.
     *
     * @return one line per problem; empty when all files match
     */
    public static List<String> verify(Class<?> anchor, String manifest) {
        List<String> problems = new ArrayList<>();
        List<String> lines;
        try (InputStream in = anchor.getResourceAsStream("/testvectors/" + manifest)) {
            if (in == null) {
                return List.of("no /testvectors/" + manifest + " on the class path");
            }
            lines = List.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int checked = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length != 3) {
                problems.add("malformed manifest line: " + line);
                continue;
            }
            String resource = "/testvectors/" + f[1];
            try (InputStream in = anchor.getResourceAsStream(resource)) {
                if (in == null) {
                    problems.add("missing " + resource);
                    continue;
                }
                byte[] data = in.readAllBytes();
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
                if (data.length != Long.parseLong(f[2])) {
                    problems.add(f[1] + ": size " + data.length + " != " + f[2]);
                } else if (!sha.equals(f[0])) {
                    problems.add(f[1] + ": sha256 " + sha + " != " + f[0]);
                }
                checked++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        if (checked == 0) {
            problems.add("the manifest lists no files");
        }
        return problems;
    }
}

package dev.qlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive built by {@code mvn package} works on its own: unpacked far from the source tree,
 * its launcher runs {@code qlens --version} and {@code qlens demo} from an unrelated directory.
 */
class DistArchiveIT {
    @TempDir
    Path dir;

    private String run(Path cwd, List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        String javaHome = System.getProperty("java.home");
        pb.environment().put("JAVA_HOME", javaHome);
        pb.environment().put("PATH", javaHome + File.separator + "bin" + File.pathSeparator + "/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void theArchiveRunsTheDemoFromAnUnrelatedDirectory() throws Exception {
        Path target = Path.of("target");
        Path archive;
        try (Stream<Path> s = Files.list(target)) {
            archive = s.filter(p -> p.getFileName().toString().endsWith("-dist.tar.gz")).findFirst().orElseThrow();
        }
        Path install = dir.resolve("install");
        Files.createDirectories(install);
        run(install, List.of("tar", "xzf", archive.toAbsolutePath().toString()));
        Path launcher;
        try (Stream<Path> s = Files.list(install)) {
            launcher = s.findFirst().orElseThrow().resolve("bin/qlens");
        }
        assertTrue(Files.isExecutable(launcher), "bin/qlens is executable");
        Path elsewhere = dir.resolve("elsewhere");
        Files.createDirectories(elsewhere);
        String version = run(elsewhere, List.of(launcher.toString(), "--version"));
        assertTrue(version.contains("qlens "), version);
        assertTrue(version.contains("kernels: vector"), "the launcher passes the Vector API options: " + version);
        try (Stream<Path> s = Files.list(dir.resolve("cache/qlens/jvm"))) {
            List<String> caches = s.map(p -> p.getFileName().toString()).toList();
            assertTrue(caches.stream().anyMatch(n -> n.matches("qlens-\\d+\\.(jsa|aot)")),
                    "the first run recorded the class-data cache: " + caches);
            assertTrue(caches.stream().noneMatch(n -> n.contains(".tmp.")), "no temporary cache file left: " + caches);
        }
        String demo = run(elsewhere, List.of(launcher.toString(), "demo", "--quiet"));
        assertTrue(demo.contains("all-MiniLM-L6-v2") || demo.contains("MiniLM"), demo);
        assertTrue(Files.exists(elsewhere.resolve("demo-report.json")), "the report is written where the user is");
    }
}

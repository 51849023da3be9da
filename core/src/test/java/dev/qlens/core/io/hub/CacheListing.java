package dev.qlens.core.io.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A cache folder as text, one line per entry in path order: folders, symlinks with their (relative)
 * targets, files with their permissions, size and SHA-256. Two caches with equal listings have the same
 * layout byte for byte. Temporary files ({@code .incomplete}, {@code .tmp}) must not exist and would show.
 */
final class CacheListing {
    private CacheListing() {
    }

    static List<String> of(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        List<Path> paths;
        try (Stream<Path> s = Files.walk(root)) {
            paths = s.filter(p -> !p.equals(root)).sorted().toList();
        }
        for (Path p : paths) {
            String rel = root.relativize(p).toString().replace('\\', '/');
            if (Files.isSymbolicLink(p)) {
                lines.add("link " + rel + " -> " + Files.readSymbolicLink(p).toString().replace('\\', '/'));
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                lines.add("dir  " + rel);
            } else {
                byte[] b = Files.readAllBytes(p);
                lines.add("file " + rel + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                        + " " + b.length + " " + FakeHub.sha256(b));
            }
        }
        return lines;
    }

    /** Prints the listing of a cache folder (for looking at a fixture). */
    public static void main(String[] args) throws IOException {
        of(Path.of(args[0])).forEach(System.out::println);
    }
}

package dev.qlens.core.io.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Serves a repository with {@link FakeHub} until stdin closes, printing the endpoint on the first line:
 * without arguments the fixture repository {@code qlens-test/tiny} ({@code hub-fixture/make-fixture.sh}
 * points huggingface_hub at it); with {@code REPO_ID DIR} the files under DIR (bench/hub uses that).
 * {@code GET /__stats} answers the requests and body bytes served so far.
 */
public final class FakeHubMain {
    private FakeHubMain() {
    }

    /** Starts the servers. */
    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("fakehub");
        try (FakeHub hub = new FakeHub()) {
            if (args.length == 2) {
                Path dir = Path.of(args[1]);
                java.util.Map<String, byte[]> files = new java.util.TreeMap<>();
                try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
                    for (Path p : s.filter(Files::isRegularFile).toList()) {
                        files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                    }
                }
                hub.addRepo(args[0], TestRepos.COMMIT, files, null);
            } else {
                hub.addRepo(HubFixture.REPO, TestRepos.COMMIT, HubFixture.files(work), null);
            }
            System.out.println(hub.endpoint());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the caller closes stdin
            }
        }
    }

}

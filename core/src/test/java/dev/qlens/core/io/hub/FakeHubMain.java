package dev.qlens.core.io.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Serves the fixture repository {@code qlens-test/tiny} with {@link FakeHub} until stdin closes, printing the
 * endpoint on the first line; {@code hub-fixture/make-fixture.sh} points huggingface_hub at it.
 */
public final class FakeHubMain {
    private FakeHubMain() {
    }

    /** Starts the servers. */
    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("fakehub");
        try (FakeHub hub = new FakeHub()) {
            hub.addRepo(HubFixture.REPO, TestRepos.COMMIT, HubFixture.files(work), null);
            System.out.println(hub.endpoint());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the caller closes stdin
            }
        }
    }

}

package dev.qlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.qlens.core.io.hub.FakeHub;
import dev.qlens.core.io.hub.HubListener;
import dev.qlens.core.io.hub.HubSettings;
import dev.qlens.core.io.hub.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's command shapes on Hub repositories, served by a fake Hub that counts the bytes it sends. */
class HubCommandsTest {
    @TempDir
    Path tmp;
    FakeHub hub;
    Map<String, byte[]> model;
    long repoBytes;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        model = TestRepos.twoShardModel(tmp);
        repoBytes = model.values().stream().mapToLong(b -> b.length).sum();
        hub.addRepo("org/big", TestRepos.COMMIT, model, null);
        HubSettings.setCurrent(TestRepos.settings(hub, tmp.resolve("hf")).withListener(HubListener.STDERR)
                .withToken("hf_secret"));
    }

    @AfterEach
    void stop() {
        HubSettings.setCurrent(null);
        hub.close();
    }

    @Test
    void inspectOfARemoteShardedRepoReadsUnderOnePercent() {
        CliRunner.Result r = CliRunner.run("inspect", "org/big", "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(8, JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("tensors").size());
        assertTrue(hub.bytesSent.get() < repoBytes / 100, hub.bytesSent.get() + " of " + repoBytes);
        assertTrue(r.err().contains("qlens: hub: hf://org/big:") && r.err().contains("requests"), r.err());
        assertEquals(List.of(), hub.tokensSeenByCdn());
    }

    @Test
    void aFilteredSweepTransfersOnlyTheSelectedTensors() {
        long header = 100_001; // the first read of each shard: its header, as the Hub's tools read it
        long index = model.get("model.safetensors.index.json").length;
        long selected = 4L << 20; // model.layers.1.mlp.up_proj.weight, 1024 x 1024 float32, inside shard 1
        CliRunner.Result r = CliRunner.run("sweep", "org/big", "model.layers.1.mlp", "--limit", "10", "-c", "mxfp4",
                "--no-save", "--threads", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("model.layers.1.mlp.up_proj.weight"), r.out());
        assertTrue(!r.out().contains("self_attn"), r.out());
        long sent = hub.bytesSent.get();
        assertTrue(sent >= selected, sent + " bytes: the tensor must have been read");
        assertTrue(sent <= selected + 2 * header + index, sent + " bytes for " + selected + " selected");
    }

    @Test
    void downloadFillsTheCacheAndRevisionIsChecked() throws Exception {
        Path cache = tmp.resolve("other-cache");
        CliRunner.Result r = CliRunner.run("inspect", "org/big", "--download", "--hub-cache", cache.toString());
        assertEquals(0, r.exitCode(), r.err());
        for (String f : List.of("model.safetensors.index.json", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors")) {
            Path p = cache.resolve("models--org--big/snapshots").resolve(TestRepos.COMMIT).resolve(f);
            assertTrue(Files.isSymbolicLink(p) && Files.size(p) == model.get(f).length, f);
        }
        assertEquals(TestRepos.COMMIT, Files.readString(cache.resolve("models--org--big/refs/main")));
        CliRunner.Result bad = CliRunner.run("inspect", "org/big", "--revision", "v9");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("hf://org/big@v9") && bad.err().contains("no such revision"), bad.err());
        CliRunner.Result pinned = CliRunner.run("inspect", "org/big", "--revision", TestRepos.COMMIT, "--json");
        assertEquals(0, pinned.exitCode(), pinned.err());
    }

    @Test
    void aGatedRepositorySaysHowToGetAccess() {
        hub.addRepo("org/gated", TestRepos.COMMIT, model, "other-token");
        CliRunner.Result r = CliRunner.run("inspect", "org/gated");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("gated") && r.err().contains("https://huggingface.co/org/gated"), r.err());
    }
}

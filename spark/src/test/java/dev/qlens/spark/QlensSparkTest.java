package dev.qlens.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.cli.Main;
import dev.qlens.core.testing.SafetensorsBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job gives the single run's output: in local mode (tasks in this JVM) and on a loopback
 * cluster ({@code local-cluster}: a master, two workers and two executor JVMs on 127.0.0.1).
 */
class QlensSparkTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path quantized;
    static String singleReport;

    @BeforeAll
    static void checkpoints() throws Exception {
        Random r = new Random(9);
        SafetensorsBuilder b = new SafetensorsBuilder();
        for (int i = 0; i < 7; i++) {
            int rows = 32 + 16 * i;
            float[] w = new float[rows * 96];
            for (int j = 0; j < w.length; j++) {
                w[j] = (float) (r.nextGaussian() * 0.02 * (1 + j % 3));
            }
            b.f32("layers." + i + ".mlp.weight", new long[] {rows, 96}, w);
        }
        model = b.write(dir.resolve("m.safetensors"));
        quantized = dir.resolve("q.safetensors");
        qlens("cast", model.toString(), "-o", quantized.toString(), "--dtype", "F8_E4M3", "--saturate");
        Path single = dir.resolve("single.json");
        qlens("compare", model.toString(), quantized.toString(), "--report", single.toString());
        singleReport = Files.readString(single);
    }

    private static String qlens(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> a = new ArrayList<>(List.of("--quiet"));
        a.addAll(List.of(args));
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), a.toArray(String[]::new));
        assertEquals(0, code, err.toString());
        return out.toString();
    }

    private static SparkConf conf(String master) {
        return new SparkConf().setMaster(master).setAppName("qlens-test").set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.task.maxFailures", "1");
    }

    private static Path compareOn(JavaSparkContext sc, String name) throws IOException {
        Path out = dir.resolve(name);
        String printed = QlensSpark.run(sc, List.of("compare", model.toString(), quantized.toString()), 3,
                List.of("-o", out.toString()));
        assertTrue(printed.contains("merged 3 parts"), printed);
        return out;
    }

    @Test
    void localModeGivesTheSingleRunsReport() throws Exception {
        try (JavaSparkContext sc = new JavaSparkContext(conf("local[2]"))) {
            assertEquals(singleReport, Files.readString(compareOn(sc, "local.json")));
            Path res = dir.resolve("sweep-spark");
            QlensSpark.run(sc, List.of("sweep", model.toString(), "-c", "mxfp4", "-c", "int8_ch", "--no-cache"), 2,
                    List.of("-o", res.toString()));
            qlens("sweep", model.toString(), "-c", "mxfp4", "-c", "int8_ch", "--no-cache", "--out", dir.resolve("sw").toString());
            Path single;
            try (Stream<Path> s = Files.walk(dir.resolve("sw"))) {
                single = s.filter(p -> p.getFileName().toString().equals("results.json")).findFirst().orElseThrow();
            }
            assertEquals(Files.readString(single), Files.readString(res.resolve("results.json")));
        }
    }

    @Test
    void loopbackClusterGivesTheSameReportFromSeparateExecutors() throws Exception {
        SparkConf c = QlensSpark.withQlensJvmOptions(conf("local-cluster[2,1,1024]")).set("spark.executor.memory", "512m")
                .set("spark.jars", System.getProperty("qlens.shadedJar") + "," + jarOf(Path.of(System.getProperty("qlens.sparkClasses"))));
        try (JavaSparkContext sc = new JavaSparkContext(c)) {
            List<String> where = QlensSpark.probe(sc, 4);
            long driver = ProcessHandle.current().pid();
            for (String w : where) {
                assertTrue(w.contains("vector=true"), "executors have the Vector API: " + where);
                assertTrue(w.contains("jit=true"), "executors have the launcher's JIT directives: " + where);
                assertNotEquals("pid=" + driver, w.split(" ")[0], "tasks ran outside the driver: " + where);
            }
            assertEquals(singleReport, Files.readString(compareOn(sc, "cluster.json")));
        }
    }

    /** The spark module's classes as a jar for the executors. */
    private static String jarOf(Path classes) throws IOException {
        Path jar = dir.resolve("qlens-spark-test.jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os);
             Stream<Path> files = Files.walk(classes)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(p));
                j.closeEntry();
            }
        }
        return jar.toString();
    }
}

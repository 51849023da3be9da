package dev.qlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.FloatView;
import dev.qlens.core.testing.RealModels;
import dev.qlens.formats.convention.CheckpointView;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

/** {@code qlens svd} on real MiniLM weights, checked against EJML. */
class SvdCommandTest {
    private static final String WEIGHT = "encoder.layer.4.output.dense.weight"; // [384, 1536]

    static double[] ejml(String model, String tensor) throws Exception {
        try (Checkpoint c = Checkpoints.open(java.nio.file.Path.of(model))) {
            var t = CheckpointView.of(c).tensor(tensor);
            int rows = (int) t.shape()[0];
            int cols = (int) (t.numel() / rows);
            float[] f = new float[rows * cols];
            FloatView v = t.open();
            v.read(0, f, 0, f.length);
            DMatrixRMaj d = new DMatrixRMaj(rows, cols);
            for (int i = 0; i < f.length; i++) {
                d.data[i] = f[i];
            }
            SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, cols, false, false, true);
            assertTrue(svd.decompose(d));
            double[] s = svd.getSingularValues().clone();
            Arrays.sort(s);
            double[] desc = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                desc[i] = s[s.length - 1 - i];
            }
            return desc;
        }
    }

    static double[] values(JsonObject o) {
        JsonArray a = o.getAsJsonArray("singular_values");
        double[] s = new double[a.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i).getAsDouble();
        }
        return s;
    }

    @Test
    void miniLmWeightSpectrumMatchesEjml() throws Exception {
        String model = RealModels.miniLmFp32().toString();
        double[] expected = ejml(model, WEIGHT);
        CliRunner.Result r = CliRunner.run("svd", model, WEIGHT, "-k", "24", "--json", "--threads", "2");
        assertEquals(0, r.exitCode(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        double[] s = values(o);
        assertEquals(24, s.length);
        for (int i = 0; i < s.length; i++) {
            assertEquals(expected[i], s[i], 1e-5 * expected[i], "singular value " + i);
        }
        assertTrue(o.get("converged").getAsBoolean());
        double total = Arrays.stream(expected).map(x -> x * x).sum();
        double top = Arrays.stream(expected, 0, 24).map(x -> x * x).sum();
        assertEquals(top / total, o.get("energy_at_k").getAsDouble(), 1e-5);
        assertEquals(Math.sqrt(total), o.get("frobenius_norm").getAsDouble(), 1e-5 * Math.sqrt(total));
        assertEquals(384, o.get("rows").getAsInt());
        assertEquals(1536, o.get("cols").getAsInt());
    }

    @Test
    void wholeSpectrumOfAQuantizedWeightGivesRanks() throws Exception {
        String model = RealModels.miniLmInt8().toString();
        String weight = "encoder.layer.0.attention.self.query.weight";
        double[] expected = ejml(model, weight);
        CliRunner.Result r = CliRunner.run("svd", model, weight, "--all", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        double[] s = values(o);
        assertEquals(384, s.length);
        for (int i = 0; i < 100; i++) {
            assertEquals(expected[i], s[i], 1e-5 * expected[i], "singular value " + i);
        }
        assertTrue(o.get("spectrum_complete").getAsBoolean());
        assertEquals(1.0, o.get("energy_at_k").getAsDouble(), 1e-4);
        // The definitions, from EJML's values.
        double total = Arrays.stream(expected).map(x -> x * x).sum();
        double cumulative = 0;
        int rank99 = 0;
        while (cumulative < 0.99 * total) {
            cumulative += expected[rank99] * expected[rank99];
            rank99++;
        }
        assertEquals(rank99, o.get("energy_rank_99").getAsInt());
        double l1 = Arrays.stream(expected).sum();
        double h = 0;
        for (double x : expected) {
            h -= x / l1 * Math.log(x / l1);
        }
        assertEquals(Math.exp(h), o.get("effective_rank_entropy").getAsDouble(), 1e-3);
    }

    @Test
    void textOutputAndRandomizedMethod() {
        CliRunner.Result r = CliRunner.run("svd", RealModels.miniLmFp32().toString(), WEIGHT, "-k", "8", "--method",
                "randomized");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("randomized, top 8"), r.out());
        assertTrue(r.out().contains("99%-energy rank > 8"), r.out());
    }

    @Test
    void badInputsAreNamed() {
        String model = RealModels.miniLmFp32().toString();
        CliRunner.Result missing = CliRunner.run("svd", model, "encoder.layer.4.output.dense");
        assertNotEquals(0, missing.exitCode());
        assertTrue(missing.err().contains("no tensor named 'encoder.layer.4.output.dense'")
                && missing.err().contains("did you mean"), missing.err());
        CliRunner.Result vector = CliRunner.run("svd", model, "encoder.layer.4.output.dense.bias");
        assertNotEquals(0, vector.exitCode());
        assertTrue(vector.err().contains("needs a matrix"), vector.err());
        CliRunner.Result method = CliRunner.run("svd", model, WEIGHT, "--method", "qr");
        assertNotEquals(0, method.exitCode());
        assertTrue(method.err().contains("--method must be lanczos or randomized"), method.err());
    }
}

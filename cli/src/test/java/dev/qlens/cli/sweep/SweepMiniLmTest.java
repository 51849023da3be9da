package dev.qlens.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.cli.jobs.CastJob;
import dev.qlens.cli.jobs.compare.CompareJob;
import dev.qlens.cli.jobs.compare.CompareOptions;
import dev.qlens.cli.jobs.compare.CompareReport;
import dev.qlens.cli.jobs.compare.TensorResult;
import dev.qlens.cli.jobs.sweep.CompressionConfig;
import dev.qlens.cli.jobs.sweep.SweepJob;
import dev.qlens.cli.jobs.sweep.SweepOptions;
import dev.qlens.cli.jobs.sweep.SweepRow;
import dev.qlens.cli.jobs.sweep.TensorSweepResult;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.testing.RealModels;
import dev.qlens.formats.catalog.FormatCatalog;
import dev.qlens.formats.convention.Convention;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep on the real MiniLM model, and its agreement with cast + compare. */
class SweepMiniLmTest {
    @TempDir
    Path dir;

    private static SweepOptions options(Path model, List<String> filters, List<String> formats, Integer limit) {
        List<dev.qlens.formats.catalog.QuantFormat> f = formats.equals(List.of("all")) ? FormatCatalog.sweepDefaults()
                : formats.stream().map(FormatCatalog::parse).toList();
        return new SweepOptions(model, filters, false, f, limit,
                CompressionConfig.none(), 0.999, null, 2, null, false, EnumSet.allOf(Convention.class), false);
    }

    @Test
    void fp8RowEqualsCompareAfterCast() throws Exception {
        Path model = RealModels.miniLmFp32();
        String name = "encoder.layer.0.attention.self.query.weight";
        SweepJob.Result s = SweepJob.run(options(model, List.of("encoder.layer.0.attention.self.query"),
                List.of("fp8_e4m3"), null));
        TensorSweepResult t = s.report().tensors().get(0);
        assertEquals(name, t.name());
        SweepRow row = t.rows().get(0);

        Path cast = dir.resolve("fp8.safetensors");
        CastJob.run(new CastJob.Options(model, cast, DType.F8_E4M3, EncodeMode.DEFAULT, Pattern.compile(Pattern.quote(name)),
                false, EnumSet.allOf(Convention.class), false, 0, false));
        CompareReport c = CompareJob.run(new CompareOptions(model, cast, List.of(name), 1,
                EnumSet.allOf(Convention.class), false));
        TensorResult m = c.layers().get(0);
        assertEquals(m.metrics().pearson(), row.metrics().pcc(), 0.0, "pcc");
        assertEquals(m.metrics().meanAbsoluteError(), row.metrics().mae(), 0.0, "mae");
        assertEquals(m.metrics().maxAbsoluteError(), row.metrics().atol(), 0.0, "atol");
        assertEquals(m.metrics().snrDb(), row.metrics().snrDb(), 0.0, "snr");
    }

    @Test
    void everyFormatOnEveryWeightCompletes() throws Exception {
        SweepJob.Result s = SweepJob.run(options(RealModels.miniLmFp32(), List.of(), List.of("all"), null));
        int formats = FormatCatalog.sweepDefaults().size();
        assertTrue(s.report().tensors().size() >= 36 + 3, "linear weights and embeddings");
        for (TensorSweepResult t : s.report().tensors()) {
            assertEquals(formats, t.rows().size(), t.name());
            for (SweepRow r : t.rows()) {
                assertTrue(r.bytes() > 0 || r.format().equals("fp0"), t.name() + " " + r.format());
                assertTrue(r.metrics().pcc() <= 1 + 1e-12, t.name() + " " + r.format());
            }
        }
        TensorSweepResult q = s.report().tensors().stream()
                .filter(t -> t.name().equals("encoder.layer.0.attention.self.query.weight")).findFirst().orElseThrow();
        assertNotNull(q.recommended(), "some format keeps pcc >= 0.999");
        assertTrue(q.recommended().bitsPerElement() < 16, q.recommended().format());
        SweepRow bf16 = q.rows().stream().filter(r -> r.format().equals("bf16")).findFirst().orElseThrow();
        assertTrue(bf16.metrics().pcc() > 0.99999, "bf16 is nearly lossless");
        SweepRow fp0 = q.rows().stream().filter(r -> r.format().equals("fp0")).findFirst().orElseThrow();
        assertEquals(0, fp0.metrics().pcc(), 0, "fp0 reconstructs zeros");
        assertTrue(s.report().recommendedBytes() < s.report().storedBytes());
    }
}

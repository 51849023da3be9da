package dev.qlens.cli.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.cli.jobs.compare.CompareJob;
import dev.qlens.cli.jobs.compare.CompareOptions;
import dev.qlens.cli.jobs.compare.CompareReport;
import dev.qlens.cli.jobs.compare.TensorResult;
import dev.qlens.cli.jobs.quantize.QuantizeJob;
import dev.qlens.cli.jobs.quantize.QuantizeOptions;
import dev.qlens.cli.jobs.quantize.QuantizeReport;
import dev.qlens.core.testing.RealModels;
import dev.qlens.formats.comfy.CodecSpec;
import dev.qlens.formats.comfy.ComfyFormat;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real all-MiniLM-L6-v2 (fp32 ONNX, PyTorch names) into every mainline format, read back by compare. */
class QuantizeMiniLmTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"float8_e4m3fn", "float8_e5m2", "int8_tensorwise:row:64", "mxfp8", "nvfp4", "convrot_w4a4:64"})
    void everyLinearLayerIsQuantizedAndReadsBackWithTheReportedError(String format) throws Exception {
        String[] f = format.split(":");
        ComfyFormat cf = ComfyFormat.parse(f[0]);
        boolean perRow = f.length > 1 && f[1].equals("row");
        int convrot = f.length > 1 ? Integer.parseInt(f[f.length - 1].equals("row") ? "0" : f[f.length - 1]) : 0;
        Path out = dir.resolve("q.safetensors");
        QuantizeOptions o = QuantizeOptions.simple(RealModels.miniLmFp32(), out, new CodecSpec(cf, perRow, convrot, 128));
        QuantizeReport r = QuantizeJob.run(o);
        assertEquals(36, r.count("quantized"), "every linear layer of the 6 blocks");
        assertEquals(3, r.count("kept"), "the three embedding tables");
        CompareReport c = CompareJob.run(new CompareOptions(RealModels.miniLmFp32(), out, java.util.List.of(), 2,
                java.util.EnumSet.allOf(dev.qlens.formats.convention.Convention.class), false));
        Map<String, TensorResult> byName = new HashMap<>();
        c.layers().forEach(t -> byName.put(t.name(), t));
        for (QuantizeReport.Layer l : r.layers()) {
            if (!l.action().equals("quantized")) {
                continue;
            }
            TensorResult t = byName.get(l.name());
            assertNotNull(t, l.name());
            assertEquals(l.result().snrDb(), t.metrics().snrDb(), 0.0, l.name());
            assertEquals(l.result().maxAbsoluteError(), t.metrics().maxAbsoluteError(), 0.0, l.name());
            assertTrue(t.scheme().startsWith("comfy " + f[0]), t.scheme());
        }
    }
}

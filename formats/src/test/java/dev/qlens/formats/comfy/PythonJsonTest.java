package dev.qlens.formats.comfy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected strings printed by CPython 3.11's {@code json.dumps} for the same values. */
class PythonJsonTest {
    @Test
    void writesComfyConfigsAsPythonDoes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "int8_tensorwise");
        m.put("convrot", true);
        m.put("convrot_groupsize", 256);
        m.put("full_precision_matrix_mult", true);
        assertEquals("{\"format\": \"int8_tensorwise\", \"convrot\": true, \"convrot_groupsize\": 256,"
                + " \"full_precision_matrix_mult\": true}", PythonJson.dumps(m));
    }

    @Test
    void escapesLikeEnsureAscii() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a\"b", "\u00e9\u2603\uD83D\uDE00\n\t\u0001\u007f");
        m.put("n", null);
        m.put("l", Arrays.asList(1, -2L, false));
        assertEquals("{\"a\\\"b\": \"\\u00e9\\u2603\\ud83d\\ude00\\n\\t\\u0001\\u007f\", \"n\": null, \"l\": [1, -2, false]}",
                PythonJson.dumps(m));
    }

    @Test
    void writesFloatsWithPythonsRepr() {
        Object[] v = {0.1, 1e-05, 1e16, 123456789.0, 1.5e300, -0.0, 2.5, 0.0001, 1e22, Double.POSITIVE_INFINITY,
            Double.NaN, Double.MIN_VALUE, 1.0 / 3};
        assertEquals("[0.1, 1e-05, 1e+16, 123456789.0, 1.5e+300, -0.0, 2.5, 0.0001, 1e+22, Infinity, NaN, 5e-324,"
                + " 0.3333333333333333]", PythonJson.dumps(Arrays.asList(v)));
    }
}

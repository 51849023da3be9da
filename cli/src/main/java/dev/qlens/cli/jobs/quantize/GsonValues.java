package dev.qlens.cli.jobs.quantize;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parsed JSON as plain Java values (maps in key order, lists, strings, booleans, longs), for {@code PythonJson}. */
final class GsonValues {
    private GsonValues() {
    }

    static Object toJava(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            e.getAsJsonObject().entrySet().forEach(x -> m.put(x.getKey(), toJava(x.getValue())));
            return m;
        }
        if (e.isJsonArray()) {
            List<Object> l = new ArrayList<>();
            e.getAsJsonArray().forEach(x -> l.add(toJava(x)));
            return l;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isNumber()) {
            BigDecimal d = p.getAsBigDecimal();
            String text = p.getAsString();
            boolean integral = !text.contains(".") && !text.contains("e") && !text.contains("E");
            return integral ? (Object) d.longValueExact() : (Object) d.doubleValue();
        }
        return p.getAsString();
    }
}

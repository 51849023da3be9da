package dev.qlens.formats.comfy;

import java.util.List;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json.dumps(obj)} writes it with its defaults, which is what
 * ComfyUI stores in {@code .comfy_quant} tensors and in the {@code _quantization_metadata} header entry:
 * separators {@code ", "} and {@code ": "}, keys in insertion order, every non-ASCII character escaped
 * as {@code \}{@code uXXXX} (UTF-16 code units, lower-case hex), control characters escaped, no
 * trailing newline. Supported values: maps with string keys, lists, strings, booleans, integers,
 * doubles (Python's {@code repr}: shortest round-trip digits, {@code NaN}, {@code Infinity}) and null.
 */
public final class PythonJson {
    private PythonJson() {
    }

    /** The JSON text of a value. */
    public static String dumps(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String) {
            string(sb, (String) v);
        } else if (v instanceof Boolean) {
            sb.append(((Boolean) v) ? "true" : "false");
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            sb.append(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            sb.append(repr(((Number) v).doubleValue()));
        } else if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, not " + e.getKey());
                }
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                string(sb, (String) e.getKey());
                sb.append(": ");
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List) {
            sb.append('[');
            boolean first = true;
            for (Object o : (List<?>) v) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                write(sb, o);
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getSimpleName() + " as Python JSON");
        }
    }

    /** Python's repr of a float: the shortest digits that read back, fixed notation for 1e-4 <= |x| < 1e16. */
    static String repr(double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "Infinity" : "-Infinity";
        }
        if (x == 0) {
            return (Double.doubleToRawLongBits(x) < 0 ? "-" : "") + "0.0";
        }
        java.math.BigDecimal d = null;
        for (int p = 1; p <= 17; p++) {
            d = new java.math.BigDecimal(x).round(new java.math.MathContext(p, java.math.RoundingMode.HALF_EVEN));
            if (d.doubleValue() == x) {
                break;
            }
        }
        d = d.stripTrailingZeros();
        int exponent = d.precision() - d.scale() - 1;
        String digits = d.unscaledValue().abs().toString();
        String sign = x < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = d.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                case '\b':
                    sb.append("\\b");
                    break;
                case '\f':
                    sb.append("\\f");
                    break;
                default:
                    if (c < 0x20 || c > 0x7E) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}

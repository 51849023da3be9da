package dev.qlens.cli.util;

/** Parses shapes written as {@code 606,32} or {@code 606x32} (an empty string is a scalar). */
public final class ShapeArg {
    private ShapeArg() {
    }

    /**
     * @throws IllegalArgumentException for anything but non-negative integers
     */
    public static long[] parse(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.equals("()")) {
            return new long[0];
        }
        String[] parts = t.replace("(", "").replace(")", "").replace("[", "").replace("]", "").split("[,x×]", -1);
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid shape '" + text + "': use sizes separated by commas, e.g. 606,32");
            }
            if (out[i] < 0) {
                throw new IllegalArgumentException("invalid shape '" + text + "': sizes cannot be negative");
            }
        }
        try {
            dev.qlens.core.tensor.Shapes.numel(out);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("invalid shape '" + text + "': more elements than any array can hold");
        }
        return out;
    }
}

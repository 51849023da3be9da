package dev.qlens.core.tensor;

/** Helpers for tensor shapes (arrays of non-negative dimension sizes). */
public final class Shapes {
    private Shapes() {
    }

    /**
     * The number of elements: the product of the dimensions (1 for a scalar).
     *
     * @throws ArithmeticException on overflow
     */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** {@code [a, b, c]}. */
    public static String toString(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        return sb.append(']').toString();
    }

    /** Whether two shapes are equal. */
    public static boolean equal(long[] a, long[] b) {
        return java.util.Arrays.equals(a, b);
    }

    /** The shape with the last two dimensions swapped (a 2-D transpose). */
    public static long[] transpose2d(long[] shape) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("not a 2-D shape: " + toString(shape));
        }
        return new long[] {shape[1], shape[0]};
    }

    /**
     * Views a shape as a matrix: rank ≥ 2 becomes (product of leading dimensions, last dimension),
     * rank 1 becomes (1, n) and a scalar (1, 1).
     */
    public static long[] asMatrix(long[] shape) {
        if (shape.length == 0) {
            return new long[] {1, 1};
        }
        if (shape.length == 1) {
            return new long[] {1, shape[0]};
        }
        long rows = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            rows = Math.multiplyExact(rows, shape[i]);
        }
        return new long[] {rows, shape[shape.length - 1]};
    }
}

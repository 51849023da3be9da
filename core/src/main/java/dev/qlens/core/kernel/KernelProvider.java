package dev.qlens.core.kernel;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Chooses the {@link Kernels} implementation once per JVM: the Vector API kernels from the
 * {@code simd} module when they are on the class path and can run here, otherwise the scalar
 * reference (with one line on stderr saying why).
 *
 * <p>System properties: {@code -Dqlens.simd=false} forces the scalar kernels;
 * {@code -Dqlens.vector.bits=128|256|512} forces a vector width (read by the simd module).
 */
public final class KernelProvider {
    private KernelProvider() {
    }

    /** Implemented by the simd module and registered with {@link ServiceLoader}. */
    public interface Factory {
        /**
         * Creates the kernels, or explains why they cannot run here.
         *
         * @throws UnsupportedOperationException with a user-facing reason
         */
        Kernels create();
    }

    private static final class Holder {
        static final Kernels INSTANCE = choose();
        static String fallbackReason;
    }

    /** The active kernels. */
    public static Kernels get() {
        return Holder.INSTANCE;
    }

    /** Why the scalar kernels were chosen, or empty when the vector kernels are active. */
    public static Optional<String> fallbackReason() {
        get();
        return Optional.ofNullable(Holder.fallbackReason);
    }

    private static Kernels choose() {
        if ("false".equalsIgnoreCase(System.getProperty("qlens.simd"))) {
            Holder.fallbackReason = "disabled with -Dqlens.simd=false";
            return ScalarKernels.INSTANCE;
        }
        try {
            for (Factory f : ServiceLoader.load(Factory.class, KernelProvider.class.getClassLoader())) {
                return f.create();
            }
            Holder.fallbackReason = "the qlens-simd module is not on the class path";
        } catch (UnsupportedOperationException e) {
            Holder.fallbackReason = e.getMessage();
            System.err.println("qlens: using scalar kernels: " + e.getMessage());
        } catch (LinkageError | RuntimeException e) {
            Holder.fallbackReason = "vector kernels failed to load (" + e + ")";
            System.err.println("qlens: using scalar kernels: " + Holder.fallbackReason);
        }
        return ScalarKernels.INSTANCE;
    }
}

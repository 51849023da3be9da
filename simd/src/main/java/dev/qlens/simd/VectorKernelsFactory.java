package dev.qlens.simd;

import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;

/**
 * Creates the Vector API kernels when they can run here. This class does not touch the
 * {@code jdk.incubator.vector} module itself, so it loads on any JDK and explains why the vector path
 * is unavailable.
 */
public final class VectorKernelsFactory implements KernelProvider.Factory {
    /** Lowest and highest Java feature versions the vector kernels are tested on. */
    static final int MIN_TESTED = 17;
    static final int MAX_TESTED = 25;

    @Override
    public Kernels create() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new UnsupportedOperationException("the JDK Vector API module is not enabled; run java with"
                    + " --add-modules jdk.incubator.vector (the ./qlens launcher does)");
        }
        int feature = Runtime.version().feature();
        boolean forced = "force".equalsIgnoreCase(System.getProperty("qlens.simd"));
        if ((feature < MIN_TESTED || feature > MAX_TESTED) && !forced) {
            throw new UnsupportedOperationException("qlens' vector kernels are tested on Java " + MIN_TESTED + " to "
                    + MAX_TESTED + ", not Java " + feature + "; pass -Dqlens.simd=force to use them anyway");
        }
        try {
            return (Kernels) Class.forName("dev.qlens.simd.VectorKernels").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new UnsupportedOperationException("vector kernels could not start: " + cause, cause);
        }
    }
}

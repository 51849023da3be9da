package dev.qlens.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.kernel.ScalarKernels;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Start-up selection of the kernels through {@link KernelProvider} (run once per surefire execution). */
class KernelSelectionTest {
    @Test
    @DisabledIfSystemProperty(named = "qlens.simd", matches = "false")
    void picksTheVectorKernelsAtTheRequestedWidth() {
        Kernels k = KernelProvider.get();
        assertInstanceOf(VectorKernels.class, k, "with the vector module present the vector kernels are chosen");
        String forced = System.getProperty("qlens.vector.bits");
        int expected = forced != null ? Integer.parseInt(forced)
                : Math.min(512, FloatVector.SPECIES_PREFERRED.vectorBitSize());
        assertEquals(expected, k.vectorBitSize());
        assertEquals("vector " + expected + "-bit", k.name());
        assertTrue(KernelProvider.fallbackReason().isEmpty());
    }

    @Test
    @EnabledIfSystemProperty(named = "qlens.simd", matches = "false")
    void fallsBackToScalarWhenDisabled() {
        assertInstanceOf(ScalarKernels.class, KernelProvider.get());
        assertEquals(0, KernelProvider.get().vectorBitSize());
        assertEquals("disabled with -Dqlens.simd=false", KernelProvider.fallbackReason().orElseThrow());
    }
}

package dev.qlens.cli;

import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import java.util.ArrayList;
import java.util.List;

/** Facts about the running JVM and the kernels qlens picked, for {@code --version}. */
public final class RuntimeInfo {
    private RuntimeInfo() {
    }

    /** Lines describing the active kernel implementation and, for the scalar one, why it was chosen. */
    public static List<String> kernelLines() {
        Kernels k = KernelProvider.get();
        List<String> lines = new ArrayList<>();
        if (k.vectorBitSize() > 0) {
            lines.add("kernels: " + k.name() + " (JDK Vector API, " + k.vectorBitSize() / 32 + " float32 lanes)");
        } else {
            lines.add("kernels: scalar reference" + KernelProvider.fallbackReason().map(r -> " (" + r + ")").orElse(""));
        }
        lines.add("cpu threads: " + Runtime.getRuntime().availableProcessors() + ", max heap: "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        return lines;
    }
}

package dev.qlens.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import java.lang.management.ManagementFactory;
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
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB, transparent huge pages: "
                + (transparentHugePages() ? "on" : "off"));
        return lines;
    }

    /**
     * Whether the JVM backs its memory with transparent huge pages (HotSpot's Linux-only option, which
     * the launcher turns on where the kernel offers them; false on other systems and other JVMs).
     */
    public static boolean transparentHugePages() {
        try {
            HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return bean != null && Boolean.parseBoolean(bean.getVMOption("UseTransparentHugePages").getValue());
        } catch (IllegalArgumentException | UnsupportedOperationException | SecurityException e) {
            return false; // no such option here
        }
    }
}

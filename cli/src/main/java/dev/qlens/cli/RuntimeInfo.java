package dev.qlens.cli;

import java.util.List;

/** Facts about the running JVM and the kernels qlens picked, for {@code --version} and {@code env}. */
public final class RuntimeInfo {
    private RuntimeInfo() {
    }

    /** Lines describing the active kernel implementation. */
    public static List<String> kernelLines() {
        return List.of("kernels: scalar reference");
    }
}

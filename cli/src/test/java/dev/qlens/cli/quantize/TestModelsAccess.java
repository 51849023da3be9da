package dev.qlens.cli.quantize;

import java.io.IOException;
import java.nio.file.Path;

/** The synthetic test checkpoints, for tests in other packages. */
public final class TestModelsAccess {
    private TestModelsAccess() {
    }

    /** See {@link TestModels#diffusionLike}. */
    public static Path diffusionLike(Path file) throws IOException {
        return TestModels.diffusionLike(file);
    }
}

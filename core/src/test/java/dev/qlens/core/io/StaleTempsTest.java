package dev.qlens.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleTempsTest {
    @TempDir
    Path dir;

    private Path file(String name, Duration age) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(age)));
        return p;
    }

    @Test
    void onlyOldUnlockedFilesWithQlensNamesAreRemoved() throws Exception {
        Path stale = file(".model.safetensors.qlens-tmp-3fa9c", Duration.ofHours(2));
        Path fresh = file(".model.safetensors.qlens-tmp-77", Duration.ofMinutes(1));
        Path foreign = file(".model.safetensors.tmp-3fa9c", Duration.ofHours(2));
        Path visible = file("model.safetensors", Duration.ofHours(2));
        try (AtomicOutput live = AtomicOutput.create(dir.resolve("other.safetensors"))) {
            Path liveTemp;
            try (var s = Files.list(dir)) {
                liveTemp = s.filter(p -> p.getFileName().toString().startsWith(".other.safetensors.qlens-tmp-"))
                        .findFirst().orElseThrow();
            }
            Files.setLastModifiedTime(liveTemp, FileTime.from(Instant.now().minus(Duration.ofHours(3))));
            // Creating the output above already cleaned the folder once.
            assertFalse(Files.exists(stale), "a killed run's temp file is removed by the next write");
            assertEquals(0, StaleTemps.clean(dir, Duration.ofMinutes(10)));
            assertTrue(Files.exists(liveTemp), "a temp file a live writer holds is never removed");
        }
        assertTrue(Files.exists(fresh));
        assertTrue(Files.exists(foreign));
        assertTrue(Files.exists(visible));
    }
}

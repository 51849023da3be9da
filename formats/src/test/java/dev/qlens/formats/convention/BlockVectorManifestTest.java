package dev.qlens.formats.convention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qlens.core.testing.ManifestCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockVectorManifestTest {
    @Test
    void everyCopiedBlockVectorFileMatchesItsRecordedChecksum() {
        assertEquals(List.of(), ManifestCheck.verify(BlockVectorManifestTest.class, "MANIFEST-blocks.sha256"));
    }
}

package dev.qlens.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TestVectorManifestTest {
    @Test
    void everyCopiedVectorFileMatchesItsRecordedChecksum() {
        assertEquals(List.of(), ManifestCheck.verify(TestVectorManifestTest.class));
    }
}

package dev.qlens.core.io.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BlockCacheTest {
    @Test
    void copiesFromTheSpanHoldingThePositionAndEvictsTheLeastRecentlyUsed() {
        BlockCache c = new BlockCache(100);
        Object f = new Object();
        Object g = new Object();
        c.put(f, 10, new byte[] {1, 2, 3, 4});
        c.put(g, 0, new byte[60]);
        byte[] dst = new byte[8];
        assertEquals(2, c.copy(f, 12, dst, 0, 8), "up to the span's end");
        assertArrayEquals(new byte[] {3, 4, 0, 0, 0, 0, 0, 0}, dst);
        assertEquals(0, c.copy(f, 14, dst, 0, 8), "past the span");
        assertEquals(0, c.copy(f, 9, dst, 0, 8), "before the span");
        assertEquals(10, c.nextStart(f, 0));
        c.put(f, 100, new byte[40]); // 104 bytes > 100: g, the least recently used, goes
        assertEquals(0, c.copy(g, 0, dst, 0, 8));
        assertEquals(44, c.used());
        c.drop(f);
        assertEquals(0, c.used());
        c.put(f, 0, new byte[101]);
        assertEquals(0, c.used(), "a span larger than the budget is not kept");
    }
}

package dev.qlens.formats.catalog;

/**
 * Walks the elements [start, start + n) of a row-major matrix in runs of whole blocks along rows,
 * plus the shorter last block of each row when the row length is not a multiple of the block.
 */
final class BlockRuns {
    /** Receives one run: {@code blocks} blocks of {@code blockLen} elements starting at element {@code first}. */
    @FunctionalInterface
    interface Consumer {
        void run(long first, int blocks, int blockLen);
    }

    private BlockRuns() {
    }

    /**
     * Calls {@code c} for every run. The chunk must start at a block boundary (a multiple of the block
     * when rows are whole blocks, otherwise a row start).
     */
    static void forEach(long start, long n, long cols, int block, Consumer c) {
        long end = start + n;
        if (cols % block == 0) {
            c.run(start, (int) (n / block), block);
            long rest = n % block;
            if (rest != 0) {
                c.run(end - rest, 1, (int) rest);
            }
            return;
        }
        long e = start;
        while (e < end) {
            long rowEnd = Math.min(end, (e / cols + 1) * cols);
            long len = rowEnd - e;
            int full = (int) (len / block);
            if (full > 0) {
                c.run(e, full, block);
            }
            long rem = len - (long) full * block;
            if (rem > 0) {
                c.run(e + (long) full * block, 1, (int) rem);
            }
            e = rowEnd;
        }
    }
}

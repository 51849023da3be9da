package dev.qlens.core.io.onnx;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A minimal, bounds-checked protocol buffers reader over a region of a buffer. Malformed input
 * raises {@link ProtoException}; it never reads outside the region.
 */
final class ProtoReader {
    /** Wire types. */
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    /** Thrown for malformed protobuf data. */
    static final class ProtoException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProtoException(String message) {
            super(message);
        }
    }

    private final ByteBuffer buf;
    private int pos;
    private final int end;
    private int lastTag;

    ProtoReader(ByteBuffer buf, int start, int end) {
        if (start < 0 || end > buf.limit() || start > end) {
            throw new ProtoException("region [" + start + ", " + end + ") outside the buffer");
        }
        this.buf = buf;
        this.pos = start;
        this.end = end;
    }

    boolean hasNext() {
        return pos < end;
    }

    int position() {
        return pos;
    }

    /** Reads the next tag; returns the field number (the wire type is {@link #wireType()}). */
    int nextField() {
        long tag = readVarint();
        if (tag <= 0 || tag > Integer.MAX_VALUE) {
            throw new ProtoException("invalid field tag " + tag + " at byte " + pos);
        }
        lastTag = (int) tag;
        int wire = lastTag & 7;
        if (wire != VARINT && wire != FIXED64 && wire != LENGTH_DELIMITED && wire != FIXED32) {
            throw new ProtoException("unsupported wire type " + wire + " at byte " + pos);
        }
        return lastTag >>> 3;
    }

    int wireType() {
        return lastTag & 7;
    }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) {
                throw new ProtoException("truncated varint at byte " + pos);
            }
            int b = buf.get(pos++) & 0xFF;
            result |= (long) (b & 0x7F) << shift;
            if (b < 0x80) {
                return result;
            }
        }
        throw new ProtoException("varint longer than 10 bytes at byte " + pos);
    }

    int readFixed32() {
        require(4);
        int v = buf.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(pos);
        pos += 4;
        return v;
    }

    long readFixed64() {
        require(8);
        long v = buf.order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(pos);
        pos += 8;
        return v;
    }

    /** Reads a length prefix and returns {start, end} of the payload, advancing past it. */
    int[] readRange() {
        long len = readVarint();
        if (len < 0 || len > end - pos) {
            throw new ProtoException("length " + len + " at byte " + pos + " runs past the end of its message");
        }
        int start = pos;
        pos += (int) len;
        return new int[] {start, pos};
    }

    ProtoReader readMessage() {
        int[] r = readRange();
        return new ProtoReader(buf, r[0], r[1]);
    }

    String readString() {
        int[] r = readRange();
        byte[] b = new byte[r[1] - r[0]];
        buf.get(r[0], b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Skips the value of the field just read. */
    void skip() {
        switch (wireType()) {
            case VARINT:
                readVarint();
                break;
            case FIXED64:
                require(8);
                pos += 8;
                break;
            case FIXED32:
                require(4);
                pos += 4;
                break;
            default:
                readRange();
                break;
        }
    }

    private void require(int n) {
        if (end - pos < n) {
            throw new ProtoException("truncated field at byte " + pos);
        }
    }
}

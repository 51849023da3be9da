#!/usr/bin/env python3
"""Peer for `qlens cast IN --dtype float8_e4m3fn -o OUT`: every BF16/F16/F32 tensor of a safetensors file
cast element by element to float8_e4m3fn (round to nearest even, saturating to +-448, NaN kept) with numpy,
the ml_dtypes way without ml_dtypes (Debian has no package for it): float32 values, exponent and mantissa
rounding in float ops, codes assembled with integer ops; other tensors copied; one output file.

Usage: cast_peer.py IN.safetensors OUT.safetensors"""
import json
import struct
import sys
import time

import numpy as np


def to_e4m3(x):
    x = x.astype(np.float32)
    sign = (np.signbit(x)).astype(np.uint8) << 7
    a = np.abs(x)
    nan = np.isnan(a)
    a = np.minimum(np.nan_to_num(a, nan=0.0), np.float32(448.0))
    # Quantum of each value: 2^(e-3) for normals (e >= -6), 2^-9 for subnormals.
    e = np.floor(np.log2(np.maximum(a, np.float32(2.0 ** -9)))).astype(np.int32)
    e = np.maximum(e, -6)
    q = np.ldexp(np.float32(1.0), e - 3).astype(np.float32)
    r = np.rint(a / q) * q  # rint: ties to even
    # Rounding up can carry into the next binade; recompute exponent and mantissa from r.
    e2 = np.floor(np.log2(np.maximum(r, np.float32(2.0 ** -9)))).astype(np.int32)
    normal = r >= np.float32(2.0 ** -6)
    exp_field = np.where(normal, e2 + 7, 0).astype(np.int32)
    mant = np.where(normal, r / np.ldexp(np.float32(1.0), e2) - 1.0, r / np.float32(2.0 ** -6)) * 8
    code = (exp_field << 3) | np.rint(mant).astype(np.int32)
    code = np.where(r == 0, 0, code).astype(np.uint8) | sign
    return np.where(nan, np.uint8(0x7F) | sign, code).astype(np.uint8)


def main():
    t0 = time.time()
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    data = np.memmap(src, dtype=np.uint8, mode="r", offset=8 + n)
    out_header, blobs, offset = {}, [], 0
    for name, h in header.items():
        if name == "__metadata__":
            out_header[name] = h
            continue
        a, b = h["data_offsets"]
        raw = data[a:b]
        dt = h["dtype"]
        if dt in ("BF16", "F16", "F32"):
            if dt == "BF16":
                x = (raw.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
            elif dt == "F16":
                x = raw.view(np.float16).astype(np.float32)
            else:
                x = raw.view(np.float32)
            blob = to_e4m3(x).tobytes()
            dt = "F8_E4M3"
        else:
            blob = raw.tobytes()
        out_header[name] = {"dtype": dt, "shape": h["shape"], "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    hb = json.dumps(out_header).encode()
    hb += b" " * (-len(hb) % 8)
    with open(dst, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)
    print(f"cast {len(blobs)} tensors in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The matrix of issue 23's svd comparison: 4096 x 4096 float32, Gaussian noise plus 32 decaying rank-one
terms, written as a safetensors file (tensor "w") with its exact top-64 singular values (float64 SVD of
the stored float32 matrix) beside it as SPECTRUM.npy.

Usage: svd_matrix.py OUT.safetensors SPECTRUM.npy [N]"""
import json
import struct
import sys

import numpy as np

n = int(sys.argv[3]) if len(sys.argv) > 3 else 4096
rng = np.random.default_rng(23)
a = rng.standard_normal((n, n)) / np.sqrt(n)
for i in range(32):
    u = rng.standard_normal(n)
    v = rng.standard_normal(n)
    a += (8.0 * 0.85 ** i) * np.outer(u / np.linalg.norm(u), v / np.linalg.norm(v))
a = a.astype(np.float32)
header = json.dumps({"w": {"dtype": "F32", "shape": [n, n], "data_offsets": [0, a.nbytes]}}).encode()
header += b" " * (-len(header) % 8)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(header)))
    f.write(header)
    f.write(a.tobytes())
s = np.linalg.svd(a.astype(np.float64), compute_uv=False)[:64]
np.save(sys.argv[2], s)
print(f"wrote {sys.argv[1]}; s[0] {s[0]:.4f}, s[63] {s[63]:.4f}")

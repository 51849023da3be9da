#!/usr/bin/env python3
"""Writes a synthetic safetensors checkpoint of N equal float32 weights (Gaussian, heavy-tailed rows), for
scaling runs where no tensor dominates. Usage: make_checkpoint.py OUT.safetensors [N] [ROWS] [COLS] [SEED]"""
import json, struct, sys
import numpy as np

out = sys.argv[1]
n, rows, cols, seed = (int(a) for a in (sys.argv[2:] + ["16", "2048", "2048", "7"][len(sys.argv) - 2:])[:4])
rng = np.random.default_rng(seed)
header, offset = {}, 0
for i in range(n):
    header[f"layers.{i}.mlp.weight"] = {"dtype": "F32", "shape": [rows, cols], "data_offsets": [offset, offset + rows * cols * 4]}
    offset += rows * cols * 4
h = json.dumps(header, separators=(",", ":")).encode()
h += b" " * (-len(h) % 8)
with open(out, "wb") as f:
    f.write(struct.pack("<Q", len(h)))
    f.write(h)
    for i in range(n):
        scale = np.exp(rng.standard_normal((rows, 1)) * 0.5).astype(np.float32)
        f.write((rng.standard_normal((rows, cols), dtype=np.float32) * 0.02 * scale).astype("<f4").tobytes())

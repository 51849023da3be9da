"""Writes a synthetic sharded checkpoint shaped like a large LLM's: many shards of many tensors.

Usage: make_repo.py OUT_DIR [SHARDS] [TENSORS_PER_SHARD] [ROWS]
Each tensor is ROWS (default 64) x 64 bfloat16 (random bits of normal values); shards get a model.safetensors.index.json.
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np

out = Path(sys.argv[1])
shards = int(sys.argv[2]) if len(sys.argv) > 2 else 24
per = int(sys.argv[3]) if len(sys.argv) > 3 else 600
rows = int(sys.argv[4]) if len(sys.argv) > 4 else 64
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
weight_map = {}
total = 0
for s in range(shards):
    name = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
    header, blobs, offset = {}, [], 0
    for t in range(per):
        layer, kind = divmod(s * per + t, 8)
        tname = f"model.layers.{layer}.mlp.experts.{kind}.weight"
        data = (rng.standard_normal(rows * 64).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16).tobytes()
        header[tname] = {"dtype": "BF16", "shape": [rows, 64], "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
        weight_map[tname] = name
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(out / name, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    total += offset
(out / "model.safetensors.index.json").write_text(
    json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2))
print(f"{shards} shards, {shards * per} tensors, {total / 2**20:.1f} MiB of tensor data in {out}")

#!/usr/bin/env python3
"""Peer for `qlens compare`: the seed tool's measure_quantization_error.py metrics (seed 000, semantics in
../shared/docs/seed-semantics.md section 1) ported to numpy, for a BF16 original and a ComfyUI
float8_e4m3fn checkpoint (per-tensor float32 `weight_scale`), as users run it: one process, every matched
tensor dequantized to float32 (`q * scale`) and measured in float32, a JSON report written at the end.
The seed's own scale lookup (`key + "_scale"`) is used, so layers are found as the seed finds them.

Usage: compare_peer.py ORIGINAL.safetensors QUANTIZED.safetensors REPORT.json
"""
import json
import struct
import sys
import time

import numpy as np


def open_safetensors(path):
    f = open(path, "rb")
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    return header, data


def e4m3_table():
    t = np.zeros(256, dtype=np.float32)
    for c in range(256):
        s, e, m = c >> 7, (c >> 3) & 15, c & 7
        if e == 15 and m == 7:
            v = np.nan
        elif e == 0:
            v = m / 8 * 2.0 ** -6
        else:
            v = (1 + m / 8) * 2.0 ** (e - 7)
        t[c] = -v if s else v
    return t


E4M3 = e4m3_table()


def tensor(header, data, name):
    h = header[name]
    a, b = h["data_offsets"]
    raw = data[a:b]
    dt = h["dtype"]
    if dt == "BF16":
        return (raw.view(np.uint16).astype(np.uint32) << 16).view(np.float32).reshape(h["shape"])
    if dt == "F32":
        return raw.view(np.float32).reshape(h["shape"])
    if dt == "F16":
        return raw.view(np.float16).astype(np.float32).reshape(h["shape"])
    if dt == "F8_E4M3":
        return E4M3[raw].reshape(h["shape"])
    raise ValueError(f"{name}: dtype {dt} not handled by this peer")


def metrics(o, q):
    e = np.abs(o - q)
    n = o.size
    m = float(np.mean(np.abs(o)))
    mae = float(np.mean(e))
    mse = float(np.mean((o - q) ** 2))
    if m > 1e-7:
        r = np.minimum(e / (np.abs(o) + np.float32(1e-8)), np.float32(1e6))
    else:
        r = e
    on, qn, en = (float(np.linalg.norm(x.ravel())) for x in (o, q, e))
    so, sq = float(np.std(o, ddof=1)), float(np.std(q, ddof=1))
    pear = 0.0 if so <= 1e-10 or sq <= 1e-10 else float(np.mean((o - o.mean()) * (q - q.mean())) / (so * sq))
    cos = 0.0 if on <= 1e-10 or qn <= 1e-10 else float(np.dot(o.ravel(), q.ravel()) / (on * qn))
    return {
        "mean_absolute_error": mae, "max_absolute_error": float(e.max()), "min_absolute_error": float(e.min()),
        "std_absolute_error": float(np.std(e, ddof=1)) if n > 1 else 0.0, "mean_squared_error": mse,
        "root_mean_squared_error": float(np.sqrt(np.float32(mse))), "relative_error": mae / max(m, 1e-7),
        "max_relative_error": float(r.max()), "mean_relative_error": float(r.mean()),
        "original_norm": on, "quantized_norm": qn, "error_norm": en,
        "snr_db": float(20 * np.log10(np.float32(on / en))) if en > 1e-10 else float("inf"),
        "pearson_correlation": max(-1.0, min(1.0, pear)), "cosine_similarity": max(0.0, min(1.0, cos)),
        "tensor_shape": list(o.shape), "tensor_elements": n,
    }


def main():
    t0 = time.time()
    ho, do = open_safetensors(sys.argv[1])
    hq, dq = open_safetensors(sys.argv[2])
    layers = {}
    for key in ho:
        if key == "__metadata__" or key.endswith((".comfy_quant", "_scale", "bias")) or key not in hq:
            continue
        o = tensor(ho, do, key)
        q = tensor(hq, dq, key)
        if o.shape != q.shape:
            continue
        scale_key = key + "_scale"
        if scale_key in hq:
            q = q * tensor(hq, dq, scale_key).astype(np.float32)
        layers[key] = metrics(o, q)
    snr = [v["snr_db"] for v in layers.values()]
    report = {"layers": layers, "aggregate": {"total_layers": len(layers),
              "mean_snr_db": float(np.mean([s for s in snr if np.isfinite(s)])) if snr else None}}
    with open(sys.argv[3], "w") as f:
        json.dump(report, f)
    print(f"{len(layers)} tensors in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()

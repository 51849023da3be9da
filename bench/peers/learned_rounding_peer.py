#!/usr/bin/python3
"""Peer for `qlens quantize --learned-rounding`: the seed tool's learned-rounding loop (convert_to_quant,
LearnedRoundingConverter._optimize_original) written with PyTorch on the CPU, on one 4096 x 4096 layer.

Debian's python3-torch (1.13) has no float8 dtype, so the FP8 E4M3 cast is emulated with float ops
(clamp to +-448, round half to even on the E4M3 grid). Prodigy, the seed's default optimizer, needs a
package Debian does not ship; the peer runs the seed's own "original" optimizer with the seed's current
defaults otherwise: num_iter 4000, lr 1.0, plateau schedule (patience 1, factor 0.95, cooldown 0,
shape influence 1.0, lr_min 1e-8), early stop at loss 5e-9, lr 1.01e-8 or 2000 stalled steps, rank
k = clamp(0.2 * 4096, 256, 1280) = 819 from torch.svd_lowrank(q = k + 10, niter = 4).

Usage:
  learned_rounding_peer.py make LAYER.safetensors            # the test layer (float32, seed 0)
  learned_rounding_peer.py run LAYER.safetensors QLENS.safetensors [--iters N]
The second form times the peer, then scores the peer's codes, round-to-nearest and qlens' codes
(read from QLENS.safetensors, ComfyUI float8_e4m3fn layout) with one exact top-k SVD of the layer.
"""
import json
import math
import struct
import sys
import time

import numpy as np
import torch

NAME = "layer.weight"


def write_layer(path):
    rng = np.random.default_rng(0)
    m = n = 4096
    w = rng.standard_normal((m, n), dtype=np.float32) * np.float32(0.02)
    for t in range(32):
        u = rng.standard_normal(m).astype(np.float32)
        v = rng.standard_normal(n).astype(np.float32)
        w += np.float32(0.05 * 0.8 ** t / 64) * np.outer(u, v).astype(np.float32)
    data = w.astype("<f4").tobytes()
    header = json.dumps({NAME: {"dtype": "F32", "shape": [m, n], "data_offsets": [0, len(data)]}}).encode()
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + data)


def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        out = {}
        for name, info in header.items():
            if name == "__metadata__":
                continue
            a, b = info["data_offsets"]
            f.seek(base + a)
            out[name] = (info["dtype"], info["shape"], f.read(b - a))
        return out


def e4m3_round(x):
    """float32 -> nearest E4M3 value (ties to even), saturating at 448, as float32."""
    x = torch.clamp(x, -448.0, 448.0)
    a = x.abs()
    e = torch.floor(torch.log2(torch.where(a > 0, a, torch.ones_like(a))))
    e = torch.clamp(e, min=-6.0)
    quantum = torch.pow(2.0, e - 3.0)
    return torch.round(x / quantum) * quantum


def e4m3_table():
    vals = np.zeros(256, dtype=np.float32)
    for c in range(256):
        s, e, m = c >> 7, (c >> 3) & 15, c & 7
        v = m * 2.0 ** -9 if e == 0 else (1 + m / 8) * 2.0 ** (e - 7)
        vals[c] = -v if s else v
    vals[0x7F] = vals[0xFF] = np.nan
    return torch.from_numpy(vals)


def seed_loop(w, iters):
    m, n = w.shape
    k = min(1280, max(256, int(math.floor(0.2 * min(m, n)))))
    k = min(k, min(m, n))
    t0 = time.time()
    u, _, v = torch.svd_lowrank(w, q=min(k + 10, min(m, n)), niter=4)
    u_k, vh_k = u[:, :k], v.T[:k, :]
    t_svd = time.time() - t0
    scale = 448.0 / w.abs().max().clamp_min(1e-12)
    wq = e4m3_round(w * scale)
    best, best_loss = None, float("inf")
    lr, lr_min, factor, patience = 1.0, 1e-8, 0.95, 1
    plateau = worse = 0
    it = 0
    for it in range(iters):
        error = wq / scale - w
        p = u_k.T @ error @ vh_k.T
        loss = torch.linalg.norm(p)
        cur = loss.item()
        if cur < best_loss:
            best_loss, best = cur, wq.clone()
            plateau = worse = 0
        else:
            worse += 1
            plateau += 1
        if plateau >= patience:
            if lr > lr_min:
                lr = max(lr * factor, lr_min)
            plateau = 0
        if cur <= 5e-9 or lr <= 1.01e-8 or worse > 2000:
            break
        g = u_k @ (p / loss.clamp_min(1e-20)) @ vh_k
        wq -= lr * (g * scale)
    final = best if best is not None else wq
    codes = e4m3_round(final)
    return codes / scale, k, it + 1, time.time() - t0, t_svd


def objective(dq, w, u_k, v_k):
    return torch.linalg.norm(u_k.T @ (dq - w) @ v_k).item()


def main():
    if sys.argv[1] == "make":
        write_layer(sys.argv[2])
        return
    iters = 4000
    if "--iters" in sys.argv:
        iters = int(sys.argv[sys.argv.index("--iters") + 1])
    torch.set_num_threads(2)
    dt, shape, raw = read(sys.argv[2])[NAME]
    w = torch.from_numpy(np.frombuffer(raw, dtype="<f4").reshape(shape).copy())
    peer, k, done, seconds, t_svd = seed_loop(w, iters)
    q = read(sys.argv[3])
    codes = torch.from_numpy(np.frombuffer(q["layer.weight"][2], dtype=np.uint8).reshape(shape).astype(np.int64))
    qscale = struct.unpack("<f", q["layer.weight_scale"][2])[0]
    ours = e4m3_table()[codes] * qscale
    scale = 448.0 / w.abs().max()
    rtn = e4m3_round(w * scale) / scale
    t0 = time.time()
    u, s, vh = torch.linalg.svd(w.double(), full_matrices=False)
    u_k, v_k = u[:, :k], vh[:k, :].T
    print("exact SVD for scoring: %.1f s" % (time.time() - t0))
    print("peer: %d iterations of the seed's loop in %.1f s (svd_lowrank %.1f s), k = %d" % (done, seconds, t_svd, k))
    for name, dq in (("round-to-nearest", rtn), ("seed loop (peer)", peer), ("qlens", ours)):
        d = dq.double()
        print("%-18s objective %.6e   rel. Frobenius error %.6e" % (
            name, objective(d, w.double(), u_k, v_k), (torch.linalg.norm(d - w.double()) / torch.linalg.norm(w.double())).item()))


if __name__ == "__main__":
    main()

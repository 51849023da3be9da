#!/usr/bin/python3
"""Peer for `qlens quantize --format float8_e4m3fn`: the seed tool's per-tensor FP8 path written with
PyTorch on the CPU (convert_to_quant without learned rounding: weight -> float32, scale = amax / 448,
weight / scale clamped and cast to float8_e4m3fn, scale stored as a float32 scalar), reading and
writing safetensors the way the seed does (everything in memory, one save at the end).

Debian's python3-torch (1.13) has no float8 dtype, so the cast is emulated with float ops and the code
bits are assembled with integer ops; torch 2.x does the cast natively, so this peer is slower than the
real tool by the cost of that emulation.

Usage: quantize_peer.py IN.safetensors OUT.safetensors [--threads N]
"""
import json
import struct
import sys
import time

import torch

TORCH_DTYPES = {"BF16": torch.bfloat16, "F16": torch.float16, "F32": torch.float32}


def read_all(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        blob = bytearray(f.read())
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        t = torch.frombuffer(blob, dtype=TORCH_DTYPES[info["dtype"]], count=(b - a) // 2
                             if info["dtype"] != "F32" else (b - a) // 4, offset=a)
        out[name] = t.reshape(info["shape"])
    return out


def e4m3_codes(x):
    """float32 already scaled and clamped to +-448 -> float8_e4m3fn codes (ties to even) as uint8."""
    a = x.abs()
    e = torch.floor(torch.log2(torch.where(a > 0, a, torch.ones_like(a)))).clamp(min=-6.0)
    quantum = torch.pow(2.0, e - 3.0)
    r = torch.round(a / quantum) * quantum  # exact E4M3 magnitude
    bits = r.view(torch.int32)
    exp = (bits >> 23) - 127
    normal = ((exp + 7) << 3) | ((bits >> 20) & 7)
    sub = torch.round(r * 512.0).to(torch.int32)
    code = torch.where(exp >= -6, normal, sub)
    code = code | ((x < 0).to(torch.int32) << 7)
    return code.to(torch.uint8)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
    torch.set_num_threads(threads)
    t0 = time.time()
    tensors = read_all(src)
    t_read = time.time() - t0
    header, chunks, offset = {}, [], 0
    for name, w in tensors.items():
        if name.endswith(".weight") and w.dim() == 2:
            wf = w.float()
            scale = (wf.abs().max() / 448.0).clamp_min(1e-12)
            codes = e4m3_codes(torch.clamp(wf / scale, -448.0, 448.0))
            parts = [(name, "F8_E4M3", list(w.shape), codes.numpy().tobytes()),
                     (name[:-len("weight")] + "weight_scale", "F32", [], struct.pack("<f", scale.item()))]
        else:
            parts = [(name, {v: k for k, v in TORCH_DTYPES.items()}[w.dtype], list(w.shape),
                      w.contiguous().view(torch.uint8).numpy().tobytes())]
        for n, dt, shape, data in parts:
            header[n] = {"dtype": dt, "shape": shape, "data_offsets": [offset, offset + len(data)]}
            chunks.append(data)
            offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(dst, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)
        for c in chunks:
            f.write(c)
    print("read %.1f s, total %.1f s" % (t_read, time.time() - t0))


if __name__ == "__main__":
    main()

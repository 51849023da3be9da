#!/usr/bin/env python3
"""Reference vectors for qlens' ComfyUI quantizers, written from the published numerics only.

Each format is re-implemented here with numpy, following comfy-kitchen's order of operations as
documented in shared/docs/comfyui-formats.md section 6 (and the ComfyUI layouts of section 3): every
step that kitchen performs in the weight's dtype is rounded to that dtype here (bf16 by bit
arithmetic, f16 by numpy's float16), FP8 / FP4 casts are nearest-value searches over every code with
ties to the even code, and the blocked scale layout is the reshape/transpose sequence of `to_blocked`.
Nothing here shares code with qlens.

Usage: comfy_vectors.py OUT_DIR   (writes comfy_cases.safetensors and comfy_cases.json)
"""
import json
import struct
import sys

import numpy as np

F32 = np.float32


# --- element rounding -------------------------------------------------------------------------
def bf16(x):
    x = np.asarray(x, dtype=F32)
    b = x.view(np.uint32).astype(np.uint64)
    b = (b + 0x7FFF + ((b >> 16) & 1)) & 0xFFFF0000
    return b.astype(np.uint32).view(F32)


def f16(x):
    return np.asarray(x, dtype=F32).astype(np.float16).astype(F32)


def in_dtype(dt, x):
    return {"BF16": bf16, "F16": f16, "F32": lambda v: np.asarray(v, dtype=F32)}[dt](x)


def tiny(dt):
    return F32(6.103515625e-05) if dt == "F16" else F32(np.finfo(np.float32).tiny)


def float_codes(ebits, mbits, bias, fn):
    """value of every non-NaN code of a small float format (sign in the top bit)."""
    vals = {}
    for code in range(1 << (1 + ebits + mbits)):
        sign = code >> (ebits + mbits)
        e = (code >> mbits) & ((1 << ebits) - 1)
        m = code & ((1 << mbits) - 1)
        if fn == "e4m3fn" and e == 15 and m == 7:
            continue
        if fn == "e5m2" and e == 31:
            continue
        if e == 0:
            v = m * 2.0 ** (1 - bias - mbits)
        else:
            v = (1 + m / 2 ** mbits) * 2.0 ** (e - bias)
        vals[code] = -v if sign else v
    return vals


def rne_encode(x, table, signbit):
    """nearest code (ties to even code) for values already within range; sign kept for zeros."""
    pos = sorted((v, c) for c, v in table.items() if c < signbit)
    mags = np.array([v for v, _ in pos], dtype=np.float64)
    codes = np.array([c for _, c in pos], dtype=np.int64)
    x = np.asarray(x, dtype=np.float64)
    a = np.abs(x)
    i = np.clip(np.searchsorted(mags, a), 1, len(mags) - 1)
    lo, hi = mags[i - 1], mags[i]
    pick_hi = (a - lo > hi - a) | ((a - lo == hi - a) & (codes[i] % 2 == 0))
    c = np.where(pick_hi, codes[i], codes[i - 1])
    c = np.where(a >= mags[-1], codes[-1], c)
    neg = np.signbit(x)
    return (c | np.where(neg, signbit, 0)).astype(np.uint8)


E4M3 = float_codes(4, 3, 7, "e4m3fn")
E5M2 = float_codes(5, 2, 15, "e5m2")
E2M1 = float_codes(2, 1, 1, "e2m1")


def e4m3(x):
    return rne_encode(x, E4M3, 0x80)


def e5m2(x):
    return rne_encode(x, E5M2, 0x80)


def e2m1(x):
    return rne_encode(x, E2M1, 0x8)


def value(table, codes):
    return np.array([table[int(c)] for c in np.ravel(codes)], dtype=F32).reshape(np.shape(codes))


def to_blocked(m):
    r, c = m.shape
    nr, nc = -(-r // 128), -(-c // 4)
    padded = np.zeros((nr * 128, nc * 4), dtype=m.dtype)
    padded[:r, :c] = m
    blocks = padded.reshape(nr, 128, nc, 4).transpose(0, 2, 1, 3)
    return blocks.reshape(-1, 4, 32, 4).transpose(0, 2, 1, 3).reshape(nr * 128, nc * 4)


def hadamard(g):
    h4 = np.array([[1, 1, 1, -1], [1, 1, -1, 1], [1, -1, 1, 1], [-1, 1, 1, 1]], dtype=np.float64)
    h = h4
    while h.shape[0] < g:
        h = np.kron(h, h4)
    return h / np.sqrt(g)


def rotate(x, g, dt):
    rows, cols = x.shape
    y = (x.astype(np.float64).reshape(rows, cols // g, g) @ hadamard(g).T).reshape(rows, cols)
    return in_dtype(dt, y.astype(F32))


def pad_to(x, m):
    r, c = x.shape
    out = np.zeros((-(-r // m) * m, -(-c // m) * m), dtype=F32)
    out[:r, :c] = x
    return out


# --- formats ----------------------------------------------------------------------------------
def fp8_tensor(x, dt, e5):
    fmax = F32(57344.0 if e5 else 448.0)
    scale = F32(np.abs(x).max()) / fmax
    if dt == "F16":
        inv = np.clip(F32(1) / scale if scale != 0 else F32(np.inf), F32(-65504), F32(65504))
        scale = F32(1) / F32(inv)
    if scale == 0:
        scale = F32(1)  # qlens: kitchen would write NaN codes
    r = in_dtype(dt, F32(1) / scale)
    t = np.clip(in_dtype(dt, x * r), -fmax, fmax)
    return {"weight": (e5m2(t) if e5 else e4m3(t)), "weight_scale": np.array(scale, dtype=F32)}


def int8_tensorwise(x, dt, per_row, convrot):
    if convrot:
        x = rotate(x, convrot, dt)
    groups = x if per_row else x.reshape(1, -1)
    amax = np.abs(groups).max(axis=1).astype(F32)
    scale = np.maximum(amax / F32(127), F32(1e-30)).astype(F32)
    div = in_dtype(dt, scale)
    div = np.where(div == 0, tiny(dt), div).astype(F32)
    q = np.rint(in_dtype(dt, groups / div[:, None])).clip(-128, 127).astype(np.int8).reshape(x.shape)
    return {"weight": q, "weight_scale": scale.reshape(-1, 1) if per_row else np.array(scale[0], dtype=F32)}


def nvfp4(x, dt):
    x = pad_to(x, 16)
    amax = F32(np.abs(x).max())
    g = in_dtype(dt, amax / F32(2688))
    if amax == 0:
        g = F32(1)
    elif g == 0:
        g = amax / F32(2688)
    blocks = x.reshape(x.shape[0], -1, 16)
    bmax = np.abs(blocks).max(axis=2).astype(F32)
    s = np.minimum((bmax / F32(6)) / F32(g), F32(448))
    sc = e4m3(s)
    total = (F32(g) * value(E4M3, sc)).astype(F32)
    safe = np.where(total == 0, F32(1), total)
    d = np.where(total[..., None] == 0, F32(0), blocks / safe[..., None])
    codes = e2m1(np.clip(d, -6, 6)).reshape(x.shape)
    packed = (codes[:, 0::2] << 4 | codes[:, 1::2]).astype(np.uint8)
    return {"weight": packed, "weight_scale": to_blocked(sc), "weight_scale_2": np.array(g, dtype=F32)}


def mxfp8(x, dt):
    x = pad_to(x, 32)
    blocks = x.reshape(x.shape[0], -1, 32)
    bmax = np.abs(blocks).max(axis=2).astype(F32)
    s = np.maximum(bmax / F32(448), F32(2.0 ** -127))
    mant, ex = np.frexp(s.astype(np.float64))
    e = np.where(mant == 0.5, ex - 1, ex)
    biased = np.clip(e + 127, 0, 254)
    biased = np.where(bmax == 0, 0, biased)
    scale = np.ldexp(1.0, biased - 127).astype(F32)
    d = np.where(bmax[..., None] == 0, F32(0), blocks / scale[..., None])
    codes = e4m3(np.clip(d, -448, 448)).reshape(x.shape)
    return {"weight": codes, "weight_scale": to_blocked(biased.astype(np.uint8))}


def w4a4(x, dt, g):
    x = rotate(x, g, dt)
    amax = np.abs(x).max(axis=1).astype(F32)
    a = np.where(amax >= F32(1e-10), amax, in_dtype(dt, F32(1e-10))).astype(F32)
    s = in_dtype(dt, a / F32(7))
    q = np.rint(in_dtype(dt, x / s[:, None])).clip(-7, 7).astype(np.int8)
    packed = ((q[:, 0::2] & 0xF) | ((q[:, 1::2] & 0xF) << 4)).astype(np.uint8).view(np.int8)
    return {"weight": packed, "weight_scale": s.astype(F32)}


def ctq_fp8(x, group):
    rows, cols = x.shape
    if group and rows % group == 0 and cols % group == 0:
        t = x.reshape(rows // group, group, cols // group, group)
        amax = np.abs(t).max(axis=(1, 3)).astype(F32)
        factor = F32(448) / np.maximum(amax, F32(1e-12))
        full = np.repeat(np.repeat(factor, group, axis=0), group, axis=1)
    else:
        factor = F32(448) / np.maximum(np.abs(x).max(axis=1), F32(1e-12))
        full = factor[:, None]
    codes = e4m3(np.clip(x * full, -448, 448))
    return {"weight": codes, "weight_scale": (F32(1) / factor).astype(F32)}


def ctq_int8(x, group):
    rows, cols = x.shape
    t = x.reshape(rows // group, group, cols // group, group)
    scale = np.maximum(np.abs(t).max(axis=(1, 3)) / F32(127), F32(1e-8)).astype(F32)
    full = np.repeat(np.repeat(scale, group, axis=0), group, axis=1)
    q = np.rint(np.clip(x / full, -127, 127)).astype(np.int8)
    return {"weight": q, "weight_scale": scale}


# --- cases ------------------------------------------------------------------------------------
def weights(rng, shape, dt, kind):
    if kind == "zero":
        x = np.zeros(shape, dtype=F32)
    else:
        x = rng.normal(0, 0.02, size=shape).astype(F32)
        x[rng.random(shape) < 0.01] *= 30  # outliers
        if kind == "tiny":
            x *= F32(1e-4)
        x[0, :8] = 0  # a zero block start
        x[1, 1] = -0.0
    return in_dtype(dt, x)


def main(out_dir):
    rng = np.random.default_rng(20261203)
    cases = []
    plan = []
    for dt in ("BF16", "F16", "F32"):
        for shape in ((32, 192), (37, 80)):
            plan += [("float8_e4m3fn", {}, dt, shape, "normal"), ("float8_e5m2", {}, dt, shape, "normal"),
                     ("nvfp4", {}, dt, shape, "normal"), ("mxfp8", {}, dt, shape, "normal"),
                     ("int8_tensorwise", {"per_row": False}, dt, shape, "normal"),
                     ("int8_tensorwise", {"per_row": True}, dt, shape, "normal"),
                     ("scaled_fp8", {}, dt, shape, "normal"),
                     ("float8_e4m3fn_rowwise", {}, dt, shape, "normal")]
        plan += [("int8_tensorwise", {"per_row": True, "convrot": 16}, dt, (24, 64), "normal"),
                 ("int8_tensorwise", {"per_row": True, "convrot": 256}, dt, (6, 512), "normal"),
                 ("int8_tensorwise", {"per_row": True, "convrot": 1024}, dt, (4, 1024), "normal"),
                 ("convrot_w4a4", {"convrot": 64}, dt, (24, 128), "normal"),
                 ("convrot_w4a4", {"convrot": 256}, dt, (16, 256), "normal"),
                 ("float8_e4m3fn_blockwise", {"group": 32}, dt, (64, 64), "normal"),
                 ("int8_blockwise", {"group": 32}, dt, (64, 64), "normal"),
                 ("float8_e4m3fn", {}, dt, (32, 64), "zero"),
                 ("int8_tensorwise", {"per_row": True}, dt, (32, 64), "zero"),
                 ("nvfp4", {}, dt, (32, 64), "zero"),
                 ("mxfp8", {}, dt, (32, 64), "zero"),
                 ("float8_e4m3fn", {}, dt, (16, 48), "tiny"),
                 ("float8_e5m2", {}, dt, (16, 48), "tiny"),
                 ("nvfp4", {}, dt, (16, 48), "tiny")]
    tensors = {}
    for i, (fmt, opt, dt, shape, kind) in enumerate(plan):
        x = weights(rng, shape, dt, kind)
        if fmt in ("float8_e4m3fn", "float8_e5m2", "scaled_fp8"):
            out = fp8_tensor(x, dt, fmt == "float8_e5m2")
            if fmt == "scaled_fp8":
                out = {"weight": out["weight"], "scale_weight": out["weight_scale"]}
        elif fmt == "int8_tensorwise":
            out = int8_tensorwise(x, dt, opt["per_row"], opt.get("convrot", 0))
        elif fmt == "nvfp4":
            out = nvfp4(x, dt)
        elif fmt == "mxfp8":
            out = mxfp8(x, dt)
        elif fmt == "convrot_w4a4":
            out = w4a4(x, dt, opt["convrot"])
        elif fmt in ("float8_e4m3fn_rowwise", "float8_e4m3fn_blockwise"):
            out = ctq_fp8(x.astype(F32), opt.get("group", 0))
        else:
            out = ctq_int8(x.astype(F32), opt["group"])
        name = "case%03d" % i
        tensors[name + ".input"] = (dt, x)
        for k, v in out.items():
            tensors[name + "." + k] = (None, v)
        cases.append({"name": name, "format": fmt, "options": opt, "dtype": dt, "shape": list(shape),
                      "kind": kind, "outputs": list(out.keys())})
    write_safetensors(out_dir + "/comfy_cases.safetensors", tensors)
    with open(out_dir + "/comfy_cases.json", "w") as f:
        json.dump({"generator": "formats/src/test/python/comfy_vectors.py", "cases": cases}, f, indent=1)


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    codes = {np.dtype(np.uint8): "U8", np.dtype(np.int8): "I8", np.dtype(F32): "F32"}
    for name, (dt, arr) in tensors.items():
        arr = np.array(arr, order="C")  # keeps 0-d arrays 0-d (ascontiguousarray would not)
        if dt == "BF16":
            data, st = (arr.view(np.uint32) >> 16).astype("<u2").tobytes(), "BF16"
        elif dt == "F16":
            data, st = arr.astype("<f2").tobytes(), "F16"
        elif dt == "F32":
            data, st = arr.astype("<f4").tobytes(), "F32"
        else:
            data, st = arr.tobytes(), codes[arr.dtype]
        header[name] = {"dtype": st, "shape": list(arr.shape), "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


if __name__ == "__main__":
    main(sys.argv[1])

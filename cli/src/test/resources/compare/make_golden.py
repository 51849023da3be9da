#!/usr/bin/env python3
"""Builds the compare golden fixtures: small safetensors pairs in every quantized layout qlens reads,
and the metrics of each pair computed independently with numpy in float64.

Everything here is written from the layout descriptions in docs/conventions.md and the metric
definitions in docs/metrics.md, without qlens code. Run from this folder: python3 make_golden.py
(numpy only). The outputs are deterministic (fixed seed)."""
import json
import struct
import numpy as np

rng = np.random.default_rng(20261122)


def write_safetensors(path, tensors, metadata=None):
    header = {}
    blobs = []
    offset = 0
    for name, (dtype, shape, data) in tensors.items():
        raw = data.tobytes()
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def e4m3_table():
    t = np.zeros(256)
    for c in range(256):
        s, e, m = c >> 7, (c >> 3) & 15, c & 7
        if e == 15 and m == 7:
            v = np.nan
        elif e == 0:
            v = m * 2.0 ** -9
        else:
            v = (1 + m / 8) * 2.0 ** (e - 7)
        t[c] = -v if s else v
    return t


def e5m2_table():
    t = np.zeros(256)
    for c in range(256):
        s, e, m = c >> 7, (c >> 2) & 31, c & 3
        if e == 31:
            v = np.inf if m == 0 else np.nan
        elif e == 0:
            v = m * 2.0 ** -16
        else:
            v = (1 + m / 4) * 2.0 ** (e - 15)
        t[c] = -v if s else v
    return t


def e2m1_table():
    t = np.zeros(16)
    for c in range(16):
        s, e, m = c >> 3, (c >> 1) & 3, c & 1
        v = m * 0.5 if e == 0 else (1 + m / 2) * 2.0 ** (e - 1)
        t[c] = -v if s else v
    return t


E4M3, E5M2, E2M1 = e4m3_table(), e5m2_table(), e2m1_table()


def nearest_codes(target, table):
    """Codes of the representable values nearest to target (any rule will do: the error is what we measure)."""
    finite = np.where(np.isfinite(table))[0]
    vals = table[finite]
    idx = np.abs(target.reshape(-1, 1) - vals.reshape(1, -1)).argmin(axis=1)
    return finite[idx].astype(np.uint8).reshape(target.shape)


def blocked_offset(r, c, cols):
    padded_cols = (cols + 3) // 4 * 4
    tile = (r // 128) * (padded_cols // 4) + c // 4
    return tile * 512 + (r % 32) * 16 + ((r % 128) // 32) * 4 + (c % 4)


def swizzle(plain):
    rows, cols = plain.shape
    out = np.zeros(((rows + 127) // 128 * 128) * ((cols + 3) // 4 * 4), dtype=np.uint8)
    for r in range(rows):
        for c in range(cols):
            out[blocked_offset(r, c, cols)] = plain[r, c]
    return out


def f32(x):
    return np.asarray(x, dtype=np.float32)


def weights(shape, outliers=True):
    w = rng.normal(0, 0.02, size=shape)
    if outliers:
        w.flat[rng.integers(0, w.size, 3)] *= 40
    return f32(w)


# ----------------------------------------------------------------------------------------------
# Metrics (docs/metrics.md), float64

def metrics(o, q):
    o32 = np.asarray(o, dtype=np.float32).ravel()
    q32 = np.asarray(q, dtype=np.float32).ravel()
    # element-wise relative error: float32 arithmetic (docs/metrics.md), statistics in float64
    r = np.minimum(np.abs(q32 - o32) / (np.abs(o32) + np.float32(1e-8)), np.float32(1e6)).astype(np.float64)
    o = o32.astype(np.float64)
    q = q32.astype(np.float64)
    e = q - o
    ae = np.abs(e)
    n = o.size
    so, sq, se = np.sum(o * o), np.sum(q * q), np.sum(e * e)
    mo, mq = o.mean(), q.mean()
    cov = np.sum((o - mo) * (q - mq))
    vo, vq = np.sum((o - mo) ** 2), np.sum((q - mq) ** 2)
    rs = np.sort(r)
    pct = {}
    for key, p in [("p50", .5), ("p75", .75), ("p90", .9), ("p95", .95), ("p99", .99), ("p99_9", .999)]:
        pct[key] = float(rs[int(np.ceil(p * n)) - 1])
    return {
        "tensor_elements": int(n),
        "mean_absolute_error": float(ae.mean()),
        "max_absolute_error": float(ae.max()),
        "min_absolute_error": float(ae.min()),
        "std_absolute_error": float(ae.std(ddof=1)),
        "mean_squared_error": float(np.mean(e * e)),
        "root_mean_squared_error": float(np.sqrt(np.mean(e * e))),
        "relative_error": float(ae.sum() / np.abs(o).sum()),
        "max_relative_error": float(r.max()),
        "mean_relative_error": float(r.mean()),
        "relative_l2_error": float(np.sqrt(se) / np.sqrt(so)),
        "original_norm": float(np.sqrt(so)),
        "quantized_norm": float(np.sqrt(sq)),
        "error_norm": float(np.sqrt(se)),
        "snr_db": float(10 * np.log10(so / se)),
        "pearson_correlation": float(cov / np.sqrt(vo * vq)),
        "cosine_similarity": float(np.sum(o * q) / np.sqrt(so * sq)),
        "relative_error_percentiles": pct,
    }


# ----------------------------------------------------------------------------------------------
# The original checkpoint

M, N = 64, 128
original = {}
for name in ["per_tensor", "rowwise", "block3d", "blockwise", "e5m2", "int8_block", "nvfp4", "mxfp8",
             "legacy", "deepseek", "modelopt_nvfp4", "modelopt_fp8"]:
    original[f"{name}.weight"] = weights((M, N))
original["deepseek_odd.weight"] = weights((200, 300))
original["norm.weight"] = f32(1 + rng.normal(0, 0.1, size=(N,)))
original["only_original.weight"] = weights((8, 8))
original["mismatch.weight"] = weights((16, 16))
write_safetensors("original.safetensors", {k: ("F32", v.shape, v) for k, v in original.items()})

expected = {}


def add(file, name, deq):
    expected.setdefault(file, {})[name] = metrics(original[name], deq)


def marker(fmt, extra=None):
    cfg = {"format": fmt}
    if extra:
        cfg.update(extra)
    b = json.dumps(cfg).encode()
    return ("U8", (len(b),), np.frombuffer(b, dtype=np.uint8))


# ---- ComfyUI: several layouts in one file ------------------------------------------------------
comfy = {}
w = original["per_tensor.weight"]
s = f32(np.abs(w).max() / 448)
q = nearest_codes(w / s, E4M3)
comfy["per_tensor.weight"] = ("F8_E4M3", q.shape, q)
comfy["per_tensor.weight_scale"] = ("F32", (), f32(s))
comfy["per_tensor.comfy_quant"] = marker("float8_e4m3fn")
add("comfy.safetensors", "per_tensor.weight", f32(E4M3[q]) * s)

w = original["rowwise.weight"]
s = f32(np.abs(w).max(axis=1) / 448)
q = nearest_codes(w / s[:, None], E4M3)
comfy["rowwise.weight"] = ("F8_E4M3", q.shape, q)
comfy["rowwise.weight_scale"] = ("F32", s.shape, s)
comfy["rowwise.comfy_quant"] = marker("float8_e4m3fn_rowwise")
add("comfy.safetensors", "rowwise.weight", f32(E4M3[q]) * s[:, None])

bs = 32
w = original["block3d.weight"]
s = f32(np.abs(w.reshape(M, N // bs, bs)).max(axis=2, keepdims=True) / 448)  # [M, N/bs, 1]
q = nearest_codes((w.reshape(M, N // bs, bs) / s).reshape(M, N), E4M3)
comfy["block3d.weight"] = ("F8_E4M3", q.shape, q)
comfy["block3d.weight_scale"] = ("F32", s.shape, s)
comfy["block3d.comfy_quant"] = marker("float8_e4m3fn", {"params": {"group_size": bs}})
add("comfy.safetensors", "block3d.weight", (f32(E4M3[q]).reshape(M, N // bs, bs) * s).reshape(M, N))

bs = 16
w = original["blockwise.weight"]
blocks = w.reshape(M // bs, bs, N // bs, bs)
s = f32(np.abs(blocks).max(axis=(1, 3)) / 448)  # [M/bs, N/bs]
full = np.repeat(np.repeat(s, bs, axis=0), bs, axis=1)
q = nearest_codes(w / full, E4M3)
comfy["blockwise.weight"] = ("F8_E4M3", q.shape, q)
comfy["blockwise.weight_scale"] = ("F32", s.shape, s)
comfy["blockwise.comfy_quant"] = marker("float8_e4m3fn_blockwise")
add("comfy.safetensors", "blockwise.weight", f32(E4M3[q]) * full)

w = original["e5m2.weight"]
s = f32(np.abs(w).max() / 57344)
q = nearest_codes(w / s, E5M2)
comfy["e5m2.weight"] = ("F8_E5M2", q.shape, q)
comfy["e5m2.weight_scale"] = ("F32", (), f32(s))
comfy["e5m2.comfy_quant"] = marker("float8_e5m2")
add("comfy.safetensors", "e5m2.weight", f32(E5M2[q]) * s)

bs = 32
w = original["int8_block.weight"]
s = f32(np.abs(w.reshape(M // bs, bs, N // bs, bs)).max(axis=(1, 3)) / 127)
full = np.repeat(np.repeat(s, bs, axis=0), bs, axis=1)
q = np.clip(np.rint(w / full), -127, 127).astype(np.int8)
comfy["int8_block.weight"] = ("I8", q.shape, q)
comfy["int8_block.weight_scale"] = ("F32", s.shape, s)
comfy["int8_block.comfy_quant"] = marker("int8_blockwise")
add("comfy.safetensors", "int8_block.weight", f32(q) * full)

w = original["nvfp4.weight"]
g = f32(np.abs(w).max() / (6 * 448))
bscale = nearest_codes(np.abs(w.reshape(M, N // 16, 16)).max(axis=2) / (6 * g), E4M3)  # [M, N/16]
total = f32(E4M3[bscale]) * g
codes = nearest_codes(w / np.repeat(total, 16, axis=1), E2M1)
packed = ((codes[:, 0::2] << 4) | codes[:, 1::2]).astype(np.uint8)  # element 2k in the high nibble
comfy["nvfp4.weight"] = ("U8", packed.shape, packed)
comfy["nvfp4.weight_scale"] = ("F8_E4M3", (128, 8), swizzle(bscale).reshape(128, 8))
comfy["nvfp4.weight_scale_2"] = ("F32", (), f32(g))
comfy["nvfp4.comfy_quant"] = marker("nvfp4")
vals = f32(np.where(codes == 8, -0.0, E2M1[codes]))
add("comfy.safetensors", "nvfp4.weight", vals * np.repeat(total, 16, axis=1))

w = original["mxfp8.weight"]
amax = np.abs(w.reshape(M, N // 32, 32)).max(axis=2)
ecode = np.clip(np.floor(np.log2(amax)) - 8 + 127, 0, 254).astype(np.uint8)  # E8M0 codes [M, N/32]
scale = f32(2.0 ** (ecode.astype(np.float64) - 127))
codes = nearest_codes(w / np.repeat(scale, 32, axis=1), E4M3)
comfy["mxfp8.weight"] = ("F8_E4M3", codes.shape, codes)
comfy["mxfp8.weight_scale"] = ("U8", (128, 4), swizzle(ecode).reshape(128, 4))
comfy["mxfp8.comfy_quant"] = marker("mxfp8")
add("comfy.safetensors", "mxfp8.weight", f32(E4M3[codes]) * np.repeat(scale, 32, axis=1))

comfy["norm.weight"] = ("F32", original["norm.weight"].shape, original["norm.weight"])  # identical
comfy["mismatch.weight"] = ("F32", (8, 32), weights((8, 32)))
comfy["only_quantized.weight"] = ("F32", (4, 4), weights((4, 4)))
write_safetensors("comfy.safetensors", comfy)

# ---- legacy scaled_fp8 ------------------------------------------------------------------------
legacy = {"scaled_fp8": ("F8_E4M3", (0,), np.zeros(0, dtype=np.uint8))}
w = original["legacy.weight"]
s = f32(np.abs(w).max() / 448)
q = nearest_codes(w / s, E4M3)
legacy["legacy.weight"] = ("F8_E4M3", q.shape, q)
legacy["legacy.scale_weight"] = ("F32", (1,), f32([s]))
add("scaled_fp8.safetensors", "legacy.weight", f32(E4M3[q]) * s)
write_safetensors("scaled_fp8.safetensors", legacy)

# ---- DeepSeek block 128x128 scale_inv, including partial blocks ------------------------------
deep = {}
for name in ["deepseek.weight", "deepseek_odd.weight"]:
    w = original[name]
    rows, cols = w.shape
    sr, sc = -(-rows // 128), -(-cols // 128)
    s = np.zeros((sr, sc), dtype=np.float32)
    for i in range(sr):
        for j in range(sc):
            s[i, j] = np.abs(w[i * 128:(i + 1) * 128, j * 128:(j + 1) * 128]).max() / 448
    full = np.repeat(np.repeat(s, 128, axis=0), 128, axis=1)[:rows, :cols]
    q = nearest_codes(w / full, E4M3)
    deep[name] = ("F8_E4M3", q.shape, q)
    deep[name + "_scale_inv"] = ("F32", s.shape, s)
    add("deepseek.safetensors", name, f32(E4M3[q]) * full)
write_safetensors("deepseek.safetensors", deep)

# ---- ModelOpt: NVFP4 (low nibble first, +0, plain scales) and FP8 per tensor -------------------
mo = {}
w = original["modelopt_nvfp4.weight"]
g = f32(np.abs(w).max() / (6 * 448))
bscale = nearest_codes(np.abs(w.reshape(M, N // 16, 16)).max(axis=2) / (6 * g), E4M3)
total = f32(E4M3[bscale]) * g
codes = nearest_codes(w / np.repeat(total, 16, axis=1), E2M1)
packed = (codes[:, 0::2] | (codes[:, 1::2] << 4)).astype(np.uint8)  # element 2k in the low nibble
mo["modelopt_nvfp4.weight"] = ("U8", packed.shape, packed)
mo["modelopt_nvfp4.weight_scale"] = ("F8_E4M3", bscale.shape, bscale)
mo["modelopt_nvfp4.weight_scale_2"] = ("F32", (), f32(g))
add("modelopt.safetensors", "modelopt_nvfp4.weight", f32(np.where(codes == 8, 0.0, E2M1[codes]))
    * np.repeat(total, 16, axis=1))
w = original["modelopt_fp8.weight"]
s = f32(np.abs(w).max() / 448)
q = nearest_codes(w / s, E4M3)
mo["modelopt_fp8.weight"] = ("F8_E4M3", q.shape, q)
mo["modelopt_fp8.weight_scale"] = ("F32", (), f32(s))
add("modelopt.safetensors", "modelopt_fp8.weight", f32(E4M3[q]) * s)
write_safetensors("modelopt.safetensors", mo, {"quantization_tool": "modelopt (synthetic)"})

with open("expected.json", "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
print("wrote", {k: sorted(v) for k, v in expected.items()})

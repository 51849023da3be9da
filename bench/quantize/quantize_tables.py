#!/usr/bin/env python3
"""Runs `qlens quantize` on real models for every mainline format and rounding method and prints the
markdown tables of docs/quantize.md (whole-model summaries and one per-layer table).

Usage: quantize_tables.py QLENS MODEL.onnx NAME OUT_DIR
Each run writes OUT_DIR/NAME-<format>-<method>.json (the --report of qlens quantize); runs whose
report exists are not repeated.
"""
import json
import os
import subprocess
import sys

FORMATS = [
    ("float8_e4m3fn", []),
    ("float8_e5m2", []),
    ("int8_tensorwise (tensor)", ["--format", "int8_tensorwise"]),
    ("int8_tensorwise (row)", ["--format", "int8_tensorwise", "--scaling-mode", "row"]),
    ("int8_tensorwise (row, ConvRot 64)", ["--format", "int8_tensorwise", "--convrot", "64"]),
    ("mxfp8", []),
    ("nvfp4", []),
    ("convrot_w4a4 (ConvRot 64)", ["--format", "convrot_w4a4", "--convrot", "64"]),
]
METHODS = [
    ("rtn", []),
    ("scale search", ["--scale-search"]),
    ("learned (original)", ["--learned-rounding", "original", "--allow-worse"]),
    ("learned (grid)", ["--learned-rounding", "grid", "--allow-worse"]),
]


def run(qlens, model, name, out, fmt, extra, method, margs):
    tag = (fmt.split(" ")[0] + "-" + "-".join(extra[2:]) + "-" + method).replace(" ", "_").replace("(", "").replace(")", "")
    rep = os.path.join(out, "%s-%s.json" % (name, tag))
    if not os.path.exists(rep):
        args = [qlens, "quantize", model, "-o", os.path.join(out, "tmp.safetensors"), "--force", "--no-progress",
                "--report", rep] + (extra if extra else ["--format", fmt]) + margs
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.load(open(rep))


def summary(rep):
    layers = [l for l in rep["layers"] if l["action"] == "quantized"]
    sse = sum(l["final"]["mean_squared_error"] * l["shape"][0] * l["shape"][1] for l in layers)
    n = sum(l["shape"][0] * l["shape"][1] for l in layers)
    rel = sum(l["final"]["relative_l2_error"] for l in layers) / len(layers)
    snr = min(l["final"]["snr_db"] for l in layers)
    obj = [l["learned_rounding"]["objective_learned"] / l["learned_rounding"]["objective_before"]
           for l in layers if "learned_rounding" in l]
    secs = sum(l["seconds"] for l in layers)
    return len(layers), sse / n, rel, snr, (sum(obj) / len(obj) if obj else None), secs


def main(qlens, model, name, out):
    os.makedirs(out, exist_ok=True)
    print("| format | method | layers | weight MSE | vs rtn | mean rel. Frobenius error | min SNR (dB) | top-k objective vs before | time (s) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for fmt, extra in FORMATS:
        base = None
        for method, margs in METHODS:
            rep = run(qlens, model, name, out, fmt, extra, method, margs)
            count, mse, rel, snr, obj, secs = summary(rep)
            base = mse if base is None else base
            print("| %s | %s | %d | %.4e | %+.1f%% | %.4e | %.2f | %s | %.1f |" % (
                fmt, method, count, mse, 100 * (mse / base - 1), rel, snr,
                "" if obj is None else "%.3f" % obj, secs))


if __name__ == "__main__":
    main(*sys.argv[1:])


def per_layer(out, name, fmt_tag, block):
    """Markdown rows for the layers of one transformer block: rtn, scale search, learned (original/grid)."""
    import glob
    reps = {}
    for method in ("rtn", "scale_search", "learned_original", "learned_grid"):
        hits = glob.glob(os.path.join(out, "%s-%s-%s.json" % (name, fmt_tag, method)))
        reps[method] = {l["layer_name"]: l for l in json.load(open(hits[0]))["layers"]} if hits else {}
    print("| layer | rtn rel. error | scale search | learned (original) | learned (grid) | top-k objective: rtn -> original -> grid |")
    print("|---|---:|---:|---:|---:|---|")
    for lname, l in reps["rtn"].items():
        if block not in lname or l["action"] != "quantized":
            continue
        row = [reps[m][lname]["final"]["relative_l2_error"] for m in ("rtn", "scale_search", "learned_original", "learned_grid")]
        o = reps["learned_original"][lname]["learned_rounding"]
        g = reps["learned_grid"][lname]["learned_rounding"]
        print("| %s | %.4e | %.4e | %.4e | %.4e | %.3e -> %.3e -> %.3e |" % (
            lname.replace("encoder.", ""), row[0], row[1], row[2], row[3], o["objective_before"],
            o["objective_learned"], g["objective_learned"]))

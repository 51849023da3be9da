#!/usr/bin/env python3
"""Markdown tables from bench/gptq/gptq_evidence.sh's reports: per model and format, each rounding
method's held-out layer-output error (mean over layers of the ratio to round-to-nearest), its weight
SNR, the time per layer, and the end-to-end embedding cosine and overlap@10 from qlens eval."""
import json
import os
import sys

out = sys.argv[1]
FORMATS = [("int4", "INT4 (convrot_w4a4, ConvRot 64)"), ("nvfp4", "NVFP4"), ("int8", "INT8 (int8_tensorwise, row)")]
METHODS = [("rtn", "round to nearest"), ("search", "scale search"), ("learned", "learned rounding (seed's, original)"),
           ("gptq", "GPTQ"), ("gptq-search", "GPTQ + scale search")]
for model in ("minilm", "bge"):
    ev = json.load(open(os.path.join(out, f"{model}-eval.json")))
    by_scheme = {}
    for s in ev["schemes"]:
        by_scheme[os.path.basename(s["scheme"]).replace(".safetensors", "")] = s
    print(f"\n### {model}\n")
    print("| format | method | held-out output error (mean of layers) | vs round to nearest | weight SNR dB (mean) "
          "| s per layer | embedding cos mean | cos p1 | overlap@10 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for f, fname in FORMATS:
        base = None
        for m, mname in METHODS:
            rep = json.load(open(os.path.join(out, f"{model}-{f}-{m}.json")))
            layers = [l for l in rep["layers"] if l["action"] == "quantized"]
            errs = [l["heldout_output_error"] for l in layers]
            rtn = [l["heldout_output_error_round_to_nearest"] for l in layers]
            mean_err = sum(errs) / len(errs)
            ratio = sum(e / r for e, r in zip(errs, rtn)) / len(errs)
            snr = sum(l["final"]["snr_db"] for l in layers) / len(layers)
            secs = sum(l["seconds"] for l in layers) / len(layers)
            s = by_scheme[f"{model}-{f}-{m}"]
            e = s["embedding"]
            print(f"| {fname} | {mname} | {mean_err:.3e} | {100 * (ratio - 1):+.1f}% | {snr:.2f} | {secs:.2f} "
                  f"| {e['cosine_mean']:.5f} | {e['cosine_p1']:.5f} | {e['neighbour_overlap']:.3f} |")

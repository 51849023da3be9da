#!/usr/bin/env python3
"""Markdown tables of docs/eval.md from `qlens eval --report` files.

Usage: eval_tables.py REPORT.json [REPORT.json ...]
(made with: qlens eval --model minilm --report minilm.json; qlens eval --model bge --report bge.json;
and the W8A8 variants: --scheme w8a8-dynamic,w8a8-static --act-scheme affine; --scheme w8a8-dynamic
--per-token; --scheme w8a8-static --static-clip none)
"""
import json
import sys


def short(layer):
    return layer.replace("encoder.layer.", "")


def table(report):
    d = json.load(open(report))
    m = d["model"]
    print("**%s** (%d texts, %d tokens):\n" % (m["name"], d["texts"]["evaluation_texts"], d["texts"]["tokens"]))
    print("| scheme | cos mean | cos min | cos p1 | cos p5 | overlap@10 | worst layer, accumulated SNR (dB) |"
          " worst layer alone, own SNR (dB) |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for s in d["schemes"]:
        e = s["embedding"]
        if s["layers"]:
            acc = min(s["layers"], key=lambda l: l["accumulated"]["snr_db"])
            own = min(s["layers"], key=lambda l: l["own"]["snr_db"])
            worst = "%.1f (%s)" % (acc["accumulated"]["snr_db"], short(acc["layer"]))
            alone = "%.1f (%s)" % (own["own"]["snr_db"], short(own["layer"]))
        else:
            worst = alone = "-"
        print("| %s | %.5f | %.5f | %.5f | %.5f | %.3f | %s | %s |" % (
            s["scheme"], e["cosine_mean"], e["cosine_min"], e["cosine_p1"], e["cosine_p5"],
            e["neighbour_overlap"], worst, alone))
    print()


for r in sys.argv[1:]:
    table(r)

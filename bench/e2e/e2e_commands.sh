#!/usr/bin/env bash
# Cold, end-to-end commands as users run them (one JVM or Python process per command, inputs in the
# page cache), qlens against its peers in the same minutes, RUNS times each, alternating; min and median.
#   compare: ./qlens compare of a BF16 checkpoint (SIZE_BLOCKS Flux-like blocks, 14 = 3.2 GB) against its
#            ComfyUI float8_e4m3fn version, 2 threads and 1 thread, vs the numpy port of seed 000
#            (bench/peers/compare_peer.py);
#   cast:    ./qlens cast of the BF16 checkpoint to float8_e4m3fn (saturating) vs a numpy cast
#            (bench/peers/cast_peer.py), whose codes must equal qlens' byte for byte;
#   svd:     ./qlens svd top 64 of a 4096 x 4096 float32 matrix (bench/e2e/svd_matrix.py), Lanczos and
#            randomized, vs scipy svds (bench/e2e/svd_peer.py), errors against the exact spectrum.
# With BIG_BLOCKS (e.g. 43, 9.7 GB), compare is also timed on that larger pair against the numpy peer.
# Usage: bench/e2e/e2e_commands.sh [RUNS] [SIZE_BLOCKS] [BIG_BLOCKS]   (JAVA_HOME picks the JDK)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-3}"
blocks="${2:-14}"
big="${3:-}"
dir="$root/bench/target/e2e"
mkdir -p "$dir"
q="$root/qlens"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
py="${PYTHON:-python3}"
[ -f "$root/bench/target/benchmarks.jar" ] || (cd "$root" && mvn -B -q install -DskipTests)
"$q" --version >/dev/null 2>&1
orig="$dir/flux-like-$blocks-bf16.safetensors"
fp8="$dir/flux-like-$blocks-fp8.safetensors"
[ -f "$orig" ] || "$java" --add-modules jdk.incubator.vector -cp "$root/bench/target/benchmarks.jar" \
  dev.qlens.bench.SyntheticBf16Checkpoint "$orig" "$blocks" 2>/dev/null
[ -f "$fp8" ] || "$q" quantize "$orig" -o "$fp8" --format float8_e4m3fn --quiet >/dev/null 2>&1
[ -f "$dir/svd4096.safetensors" ] || "$py" "$root/bench/e2e/svd_matrix.py" "$dir/svd4096.safetensors" "$dir/svd4096-top64.npy"
cat "$orig" "$fp8" "$dir/svd4096.safetensors" > /dev/null
echo "inputs: $(du -h "$orig" | cut -f1) BF16 + $(du -h "$fp8" | cut -f1) FP8; $("$java" -version 2>&1 | head -1)"

declare -A times
timed() { # label command...
  local label="$1"
  shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$dir/last.out" 2>"$dir/last.err" || { echo "$label failed:"; cat "$dir/last.err"; exit 1; }
  t1=$(date +%s.%N)
  times[$label]+="$(echo "$t1 - $t0" | bc) "
}
for i in $(seq "$runs"); do
  timed "qlens compare, 2 threads" "$q" compare "$orig" "$fp8" --threads 2 --quiet
  timed "qlens compare, 1 thread" "$q" compare "$orig" "$fp8" --threads 1 --quiet
  timed "numpy peer compare (seed 000 port)" "$py" "$root/bench/peers/compare_peer.py" "$orig" "$fp8" "$dir/peer.json"
  timed "qlens cast to float8_e4m3fn, 2 threads" "$q" cast "$orig" --dtype F8_E4M3 --saturate -o "$dir/cast.safetensors" --force --quiet
  timed "numpy cast peer" "$py" "$root/bench/peers/cast_peer.py" "$orig" "$dir/cast-peer.safetensors"
  timed "qlens svd lanczos tol 1e-5, 2 threads" "$q" svd "$dir/svd4096.safetensors" w -k 64 --tol 1e-5 --threads 2 --json
  cp "$dir/last.out" "$dir/svd-lanczos.json"
  timed "qlens svd lanczos tol 1e-5, 1 thread" "$q" svd "$dir/svd4096.safetensors" w -k 64 --tol 1e-5 --threads 1 --json
  timed "qlens svd randomized, 2 threads" "$q" svd "$dir/svd4096.safetensors" w -k 64 --method randomized --threads 2 --json
  cp "$dir/last.out" "$dir/svd-randomized.json"
  timed "scipy svds tol 1e-5 (1 process)" "$py" "$root/bench/e2e/svd_peer.py" "$dir/svd4096.safetensors" "$dir/svd4096-top64.npy" 1e-5
  cp "$dir/last.out" "$dir/svd-peer.txt"
done
labels=("qlens compare, 2 threads" "qlens compare, 1 thread" "numpy peer compare (seed 000 port)")
if [ -n "$big" ]; then
  borig="$dir/flux-like-$big-bf16.safetensors"
  bfp8="$dir/flux-like-$big-fp8.safetensors"
  [ -f "$borig" ] || "$java" --add-modules jdk.incubator.vector -cp "$root/bench/target/benchmarks.jar" \
    dev.qlens.bench.SyntheticBf16Checkpoint "$borig" "$big" 2>/dev/null
  [ -f "$bfp8" ] || "$q" quantize "$borig" -o "$bfp8" --format float8_e4m3fn --quiet >/dev/null 2>&1
  cat "$borig" "$bfp8" > /dev/null
  for i in $(seq "$runs"); do
    timed "qlens compare $(du -h "$borig" | cut -f1) pair, 2 threads" "$q" compare "$borig" "$bfp8" --threads 2 --quiet
    timed "numpy peer compare $(du -h "$borig" | cut -f1) pair" "$py" "$root/bench/peers/compare_peer.py" "$borig" "$bfp8" "$dir/peer.json"
  done
  labels+=("qlens compare $(du -h "$borig" | cut -f1) pair, 2 threads" "numpy peer compare $(du -h "$borig" | cut -f1) pair")
fi
printf '\n| command | runs | min s | median s |\n|---|---:|---:|---:|\n'
for label in "${labels[@]}" "qlens cast to float8_e4m3fn, 2 threads" "numpy cast peer" \
    "qlens svd lanczos tol 1e-5, 2 threads" "qlens svd lanczos tol 1e-5, 1 thread" "qlens svd randomized, 2 threads" \
    "scipy svds tol 1e-5 (1 process)"; do
  # shellcheck disable=SC2086
  echo "${times[$label]}" | tr ' ' '\n' | grep . | sort -g | awk -v l="$label" \
    '{a[NR]=$1} END {printf "| %s | %d | %.2f | %.2f |\n", l, NR, a[1], a[int((NR+1)/2)]}'
done
"$py" - "$dir" <<'PY'
import json, sys, os
import numpy as np
d = sys.argv[1]
exact = np.load(os.path.join(d, "svd4096-top64.npy"))
for name in ("svd-lanczos.json", "svd-randomized.json"):
    s = np.array(json.load(open(os.path.join(d, name)))["singular_values"][:64], dtype=np.float64)
    print(f"{name}: max relative error of the top 64 {np.max(np.abs(s - exact) / exact):.2e}")
print(open(os.path.join(d, "svd-peer.txt")).read().strip())
def tensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        h = json.loads(f.read(n))
        base = 8 + n
        out = {}
        for k, v in h.items():
            if k == "__metadata__":
                continue
            a, b = v["data_offsets"]
            f.seek(base + a)
            out[k] = (v["dtype"], f.read(b - a))
        return out
import struct
q, p = tensors(os.path.join(d, "cast.safetensors")), tensors(os.path.join(d, "cast-peer.safetensors"))
same = sum(1 for k in q if k in p and q[k] == p[k])
print(f"cast: {same} of {len(q)} tensors byte-identical between qlens and the numpy peer")
PY

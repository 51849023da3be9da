#!/usr/bin/env bash
# End-to-end `qlens quantize` as users run it: one cold JVM per run, input in the page cache,
# 2 threads. Writes a 2.26 GB synthetic BF16 checkpoint first (bench/target/quantize-e2e/), then
# times RUNS runs of each command and prints min / median seconds and GB/s of input.
# Usage: bench/quantize/e2e_quantize.sh [RUNS]   (JAVA_HOME picks the JDK, as for ./qlens)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-3}"
dir="$root/bench/target/quantize-e2e"
mkdir -p "$dir"
in="$dir/flux-like-bf16.safetensors"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -f "$root/bench/target/benchmarks.jar" ] || (cd "$root" && mvn -B -q install -DskipTests)
"$java" --add-modules jdk.incubator.vector -cp "$root/bench/target/benchmarks.jar" \
  dev.qlens.bench.SyntheticBf16Checkpoint "$in" 10 2>/dev/null
bytes=$(stat -c %s "$in")
cat "$in" > /dev/null   # into the page cache
"$root/qlens" --version >/dev/null 2>&1  # build the jar if needed, outside the timings
for cmd in "--format float8_e4m3fn" "--format int8_tensorwise --scaling-mode row"; do
  times=()
  for i in $(seq "$runs"); do
    rm -f "$dir/out.safetensors"
    start=$(date +%s.%N)
    "$root/qlens" quantize "$in" -o "$dir/out.safetensors" $cmd --threads 2 --no-progress > /dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc -l)")
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  min=$(echo "$sorted" | head -1)
  med=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
  printf 'quantize %-45s input %.2f GB  min %.2f s (%.2f GB/s)  median %.2f s (%.2f GB/s)  runs: %s\n' \
    "$cmd" "$(echo "$bytes / 1000000000" | bc -l)" "$min" "$(echo "$bytes / 1000000000 / $min" | bc -l)" \
    "$med" "$(echo "$bytes / 1000000000 / $med" | bc -l)" "$(echo ${times[*]})"
done
rm -f "$dir/out.safetensors"

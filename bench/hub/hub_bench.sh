#!/usr/bin/env bash
# qlens against huggingface_hub on a synthetic many-shard repository served on loopback by the test
# suite's fake Hub: listing tensors (index + every shard header by range), then a filtered sweep and a
# whole download. Prints wall times and what the server sent. Needs: numpy, and a Python with
# huggingface_hub (PY=/path/to/python; pip install huggingface_hub==1.33.0).
# Usage: [LATENCY_MS=50] bench/hub/hub_bench.sh [SHARDS] [TENSORS_PER_SHARD] [REPEATS]
# LATENCY_MS delays every answer, as a round trip to a distant server would.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
shards="${1:-24}"; per="${2:-600}"; reps="${3:-3}"; py="${PY:-python3}"
work="$(mktemp -d)"; trap 'exec 3>&- 2>/dev/null || true; kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
python3 bench/hub/make_repo.py "$work/repo" "$shards" "$per"
(cd core && mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/fixture.cp >/dev/null)
cp="core/target/test-classes:core/target/classes:$(cat core/target/fixture.cp)"
mkfifo "$work/in"; exec 3<>"$work/in"
java -Xmx4g -Dfakehub.latencyMs="${LATENCY_MS:-0}" -cp "$cp" dev.qlens.core.io.hub.FakeHubMain bench/repo "$work/repo" <"$work/in" >"$work/endpoint" 3>&- &
server=$!
for _ in $(seq 100); do [ -s "$work/endpoint" ] && break; sleep 0.2; done
export HF_ENDPOINT="$(head -1 "$work/endpoint")" HF_HUB_DISABLE_TELEMETRY=1 HF_HUB_DISABLE_XET=1
stats() { curl -s "$HF_ENDPOINT/__stats"; }
run() { # label, command...
  local label="$1"; shift
  local before after t0 t1
  before="$(stats)"; t0=$(date +%s.%N)
  "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  t1=$(date +%s.%N); after="$(stats)"
  python3 - "$label" "$t0" "$t1" "$before" "$after" <<'PY'
import json, sys
label, t0, t1, b, a = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), json.loads(sys.argv[4]), json.loads(sys.argv[5])
print(f"{label:44s} {t1 - t0:6.2f} s  {a['requests'] - b['requests']:5d} requests  {(a['bytes'] - b['bytes']) / 2**20:8.2f} MiB")
PY
}
du -sm "$work/repo" | awk '{print "repository: " $1 " MiB"}'
for i in $(seq "$reps"); do
  rm -rf "$work/hf"; export HF_HUB_CACHE="$work/hf"
  run "qlens inspect bench/repo" ./qlens inspect bench/repo --json
  rm -rf "$work/hf"
  run "huggingface_hub get_safetensors_metadata" "$py" -c \
    "from huggingface_hub import HfApi; m = HfApi().get_safetensors_metadata('bench/repo'); print(sum(len(f.tensors) for f in m.files_metadata.values()))"
done
rm -rf "$work/hf"
run "qlens sweep bench/repo model.layers.3 -c mxfp4" ./qlens sweep bench/repo model.layers.3 -c mxfp4 --no-save
for i in $(seq "$reps"); do
  rm -rf "$work/hf"
  run "qlens inspect --download (whole repo)" ./qlens inspect bench/repo --download --json
  rm -rf "$work/hf"
  run "huggingface_hub hf_hub_download (index+shards)" "$py" -c \
    "from huggingface_hub import hf_hub_download as d; import json; idx = json.load(open(d('bench/repo', 'model.safetensors.index.json'))); [d('bench/repo', f) for f in sorted(set(idx['weight_map'].values()))]"
done

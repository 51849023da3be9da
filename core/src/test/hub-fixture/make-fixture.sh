#!/usr/bin/env bash
# Rebuilds hub/, a Hugging Face cache written by huggingface_hub itself, by pointing huggingface_hub at the
# test suite's fake Hub (FakeHubMain) and downloading what `qlens inspect --download hf://qlens-test/tiny` and
# `... hf://qlens-test/tiny/transformer` download, in the same order (including the two probes that 404).
# Needs: a JDK, Maven, and a Python with huggingface_hub (python -m pip install huggingface_hub==1.33.0).
# Usage: core/src/test/hub-fixture/make-fixture.sh [python]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
core="$(cd "$here/../../.." && pwd)"
py="${1:-python3}"
cd "$core/.."
mvn -q -o install -DskipTests -pl core >/dev/null
cd "$core"
mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/fixture.cp >/dev/null
cp="target/test-classes:target/classes:$(cat target/fixture.cp)"
fifo="$(mktemp -u)"; mkfifo "$fifo"
exec 3<>"$fifo"
java -cp "$cp" dev.qlens.core.io.hub.FakeHubMain <"$fifo" >target/fakehub.out 3>&- &
server=$!
trap 'exec 3>&-; wait $server 2>/dev/null || true; rm -f "$fifo"' EXIT
for _ in $(seq 50); do [ -s target/fakehub.out ] && break; sleep 0.2; done
endpoint="$(head -1 target/fakehub.out)"
rm -rf "$here/hub"
HF_ENDPOINT="$endpoint" HF_HUB_DISABLE_TELEMETRY=1 HF_HUB_DISABLE_XET=1 HF_TOKEN= "$py" - "$here/hub" <<'PY'
import sys
from huggingface_hub import hf_hub_download, __version__
from huggingface_hub.errors import EntryNotFoundError
cache = sys.argv[1]
repo = "qlens-test/tiny"
for f in ["model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]:
    hf_hub_download(repo, f, cache_dir=cache)
for f in ["transformer/model.safetensors.index.json", "transformer/model.safetensors"]:
    try:
        hf_hub_download(repo, f, cache_dir=cache)
        raise SystemExit(f + " should not exist")
    except EntryNotFoundError:
        pass
hf_hub_download(repo, "transformer/diffusion_pytorch_model.safetensors", cache_dir=cache)
print("huggingface_hub", __version__, "wrote", cache, file=sys.stderr)
PY

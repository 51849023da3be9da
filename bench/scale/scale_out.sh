#!/usr/bin/env bash
# Scaling of a sharded qlens run on one machine: the single process, and the Spark job on a loopback
# cluster (local-cluster: a master, W workers, one executor JVM each) with 1 and with 2 executors, all on
# the same work. Spark comes from the Maven copy that `mvn -Pspark package` puts in spark/target/spark-home.
# Usage: bench/scale/scale_out.sh CHECKPOINT [TASKS] [qlens sweep arguments...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ckpt="$1"; shift
tasks="${1:-8}"; shift || true
args=("$@")
[ "${#args[@]}" -gt 0 ] || args=(-c all --no-cache)
home="$root/spark/target/spark-home"
jar="$root/cli/target/qlens.jar"
sparkjar="$(ls "$root"/spark/target/qlens-spark-*.jar | head -n 1)"
[ -d "$home/jars" ] && [ -f "$jar" ] && [ -f "$sparkjar" ] || { echo "run: mvn -B -Pspark package -DskipTests" >&2; exit 2; }
opens=(--add-modules=jdk.incubator.vector -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
now() { date +%s.%N; }

t0=$(now)
"$root/qlens" -q sweep "$ckpt" "${args[@]}" --threads 1 --out "$out/single1" > /dev/null
t1=$(now)
"$root/qlens" -q sweep "$ckpt" "${args[@]}" --threads 2 --out "$out/single2" > /dev/null
t1b=$(now)
# The core's sharding without any engine: two processes, one thread each, then qlens merge.
for k in 1 2; do
  "$root/qlens" -q sweep "$ckpt" "${args[@]}" --threads 1 --shard "$k/2" --part "$out/part-$k.json" > /dev/null &
done
wait
"$root/qlens" -q merge "$out/part-1.json" "$out/part-2.json" -o "$out/shards2" > /dev/null
t2b=$(now)
run_spark() { # $1 workers, $2 output
  SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 java "${opens[@]}" \
    -Dspark.master="local-cluster[$1,1,2048]" -Dspark.executor.memory=1536m -Dspark.ui.enabled=false \
    -Dspark.driver.host=127.0.0.1 -Dspark.jars="$jar,$sparkjar" \
    -Dspark.scheduler.minRegisteredResourcesRatio=1.0 -Dspark.scheduler.maxRegisteredResourcesWaitingTime=120s \
    -cp "$home/jars/*:$jar:$sparkjar" dev.qlens.spark.QlensSpark --tasks "$tasks" --out "$2" \
    sweep "$ckpt" "${args[@]}" > /dev/null 2> "$2.log"
}
t2=$t2b
run_spark 1 "$out/spark1"
t3=$(now)
run_spark 2 "$out/spark2"
t4=$(now)
job1="$(sed -n 's/^qlens-spark: .* in \([0-9.]*\) s$/\1/p' "$out/spark1.log")"
job2="$(sed -n 's/^qlens-spark: .* in \([0-9.]*\) s$/\1/p' "$out/spark2.log")"
single="$(find "$out/single1" -name results.json | head -n 1)"
for r in "$(find "$out/single2" -name results.json | head -n 1)" "$out/shards2/results.json" "$out/spark1/results.json" "$out/spark2/results.json"; do
  cmp -s "$single" "$r" || { echo "results differ: $r" >&2; exit 1; }
done
awk -v a="$t0" -v b="$t1" -v c="$t1b" -v cb="$t2" -v d="$t3" -v e="$t4" -v n="$tasks" -v j1="$job1" -v j2="$job2" 'BEGIN {
  printf "| run | wall s | tasks + merge s |\n|---|---|---|\n";
  printf "| qlens sweep, 1 thread | %.1f | |\n", b - a;
  printf "| qlens sweep, 2 threads | %.1f | |\n", c - b;
  printf "| 2 x qlens sweep --shard K/2, 1 thread each, in parallel, + qlens merge | %.1f | |\n", cb - c;
  printf "| Spark local-cluster, 1 executor x 1 core, %d tasks | %.1f | %s |\n", n, d - cb, j1;
  printf "| Spark local-cluster, 2 executors x 1 core, %d tasks | %.1f | %s |\n", n, e - d, j2;
  printf "results.json identical in all five runs\n" }'

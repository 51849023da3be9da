# Shared by qlens' launchers (the source tree's ./qlens and the archive's bin/qlens); sourced, not run.
# qlens_exec JAR OPTIONS_FILE ARGS... runs the jar with the JVM options of OPTIONS_FILE (one per line, #
# comments), transparent huge pages where Linux offers them, a class-data cache, and QLENS_JAVA_OPTS.
#
# Class-data cache: the first run of a jar on a JDK records the classes it loads (JDK 17-24: a dynamic
# CDS archive; JDK 25+: an AOT cache, which also keeps the run's method profiles so the JIT starts warm)
# in ${XDG_CACHE_HOME:-~/.cache}/qlens/jvm; later runs map it instead of loading and verifying those
# classes again. The file is keyed by the jar and the JDK, written under a temporary name and renamed,
# so concurrent runs never see a partial one. QLENS_JVM_CACHE=off disables it.

qlens_exec() {
  local jar="$1" options="$2"
  shift 2
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  local opts=() line
  while IFS= read -r line; do
    case "$line" in ''|'#'*) ;; *) opts+=("$line") ;; esac
  done < "$options"
  # Transparent huge pages (modes "always" or "madvise"): with 4 KiB pages the TLB misses cost 15-30%
  # of the memory-bound kernels' speed on a virtual machine (bench/README.md).
  if [ "$(uname -s)" = "Linux" ] && grep -qE '\[(always|madvise)\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then
    opts+=("-XX:+UseTransparentHugePages")
  fi
  local cache="" training="" quiet=()
  # No cache without a cache folder (neither XDG_CACHE_HOME nor HOME set).
  if [ "${QLENS_JVM_CACHE:-on}" != "off" ] && [ -n "${XDG_CACHE_HOME:-}${HOME:-}" ]; then
    local javabin home version key dir
    javabin="$(command -v "$java" 2>/dev/null || true)"
    javabin="$(readlink -f "$javabin" 2>/dev/null || true)"
    home="$(dirname "$(dirname "$javabin")")"
    version="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null || true)"
    if [ -n "$version" ] && [ "$version" -ge 17 ] 2>/dev/null; then
      key="$( { echo "$javabin"; stat -c '%s %Y' "$javabin" "$jar"; } 2>/dev/null | cksum | cut -d' ' -f1)"
      dir="${XDG_CACHE_HOME:-${HOME:-}/.cache}/qlens/jvm"
      if mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ]; then
        if [ "$version" -ge 25 ]; then
          # JDK 25's one-step AOT cache (JEP 514): the run's loaded classes and method profiles.
          cache="$dir/qlens-$key.aot"
          if [ -f "$cache" ]; then opts+=("-XX:AOTCache=$cache"); else training="-XX:AOTCacheOutput="; fi
          quiet=("-Xlog:aot=off" "-Xlog:cds=off")
        else
          cache="$dir/qlens-$key.jsa"
          if [ -f "$cache" ]; then opts+=("-XX:SharedArchiveFile=$cache"); else training="-XX:ArchiveClassesAtExit="; fi
          quiet=("-Xlog:cds=off" "-Xlog:cds+dynamic=off")
        fi
      fi
    fi
  fi
  if [ -z "$training" ]; then
    # shellcheck disable=SC2086
    exec "$java" "${opts[@]}" "${quiet[@]}" ${QLENS_JAVA_OPTS:-} -jar "$jar" "$@"
  fi
  local tmp="$cache.tmp.$$" status=0
  echo "qlens: first run of this build on this JDK: recording its class cache in $dir (once)" >&2
  # shellcheck disable=SC2086
  "$java" "${opts[@]}" "$training$tmp" "${quiet[@]}" \
    ${QLENS_JAVA_OPTS:-} -jar "$jar" "$@" || status=$?
  if [ -s "$tmp" ]; then mv -f "$tmp" "$cache" 2>/dev/null || rm -f "$tmp"; else rm -f "$tmp"; fi
  return "$status"
}

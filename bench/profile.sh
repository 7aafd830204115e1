#!/usr/bin/env bash
# Where Gatehouse spends its CPU under load, from the JDK's Flight Recorder: the same origin and
# Gatehouse setup as bench/run.sh, wrk against Gatehouse alone, a JFR recording of the measured part,
# and the hottest frames printed (by own time, and by time including callees).
#
#   bench/profile.sh [-d SECS] [-w WARMUP_SECS] [-s 1k|100k] [-c CONNS] [--cache] [--keep]
#   bench/profile.sh --async [-e cpu|alloc|wall] [-d SECS] [-w WARMUP_SECS] [-s 1k|100k] [-c CONNS] [--cache] [--keep]
#
# --cache: Gatehouse with a 16 MB memory tier and cache_valid = 10m on the cluster, so that after the
# first request every one is a cache hit (what bench/cache.sh measures against nginx's proxy_cache).
# The recording is kept as bench/results/profile-<stamp>.jfr (open it in JDK Mission Control for more).
# Java and native-method samples are both counted: time in a system call shows under the Java frames
# that made it, but what the kernel does inside it (the loopback TCP path, scheduling) is not split out.
# --async: async-profiler (Maven Central tools.profiler:async-profiler:4.1, loaded into the running JVM)
# instead, with kernel frames: a flame graph bench/results/profile-<stamp>-<event>.html, the collapsed
# stacks beside it, and a summary (threads, user against kernel, hottest frames; for alloc, the
# allocation sites); every mode also prints the bytes allocated per request (JFR's per-thread counters).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=lib/nginx.sh
source "$BENCH_DIR/lib/nginx.sh"
# shellcheck source=lib/measure.sh
source "$BENCH_DIR/lib/measure.sh"

DURATION=20
WARMUP=30
SIZE=1k
CONNS=64
KEEP=0
ASYNC=0
CACHE=0
EVENT=cpu
GH_PORT=${GH_PORT:-18180}
ORIGIN_PORT=${ORIGIN_PORT:-18190}
while (($#)); do
    case $1 in
        -d) DURATION=$2; shift ;;
        -w) WARMUP=$2; shift ;;
        -s) SIZE=$2; shift ;;
        -c) CONNS=$2; shift ;;
        --keep) KEEP=1 ;;
        --cache) CACHE=1 ;;
        --async) ASYNC=1 ;;
        -e) EVENT=$2; shift ;;
        -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "profile: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
[[ $SIZE == 1k || $SIZE == 100k ]] || { echo "profile: -s takes 1k or 100k" >&2; exit 2; }
[[ $EVENT == cpu || $EVENT == alloc || $EVENT == wall ]] || { echo "profile: -e takes cpu, alloc or wall" >&2; exit 2; }
((ASYNC)) || [[ $EVENT == cpu ]] || { echo "profile: -e needs --async" >&2; exit 2; }
for v in DURATION WARMUP CONNS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || { echo "profile: $v must be a whole number" >&2; exit 2; }
done
PATH=$PATH:/usr/sbin
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "profile: needs wrk and nginx (apt-get install wrk nginx)" >&2; exit 2; }
if ((ASYNC)); then
    case $(uname -m) in
        x86_64) ASPROF_ARCH=linux-x64 ;;
        aarch64) ASPROF_ARCH=linux-arm64 ;;
        *) echo "profile: async-profiler has no library for $(uname -m)" >&2; exit 2 ;;
    esac
    ASPROF_JAR=${ASPROF_JAR:-$HOME/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1.jar}
    if [[ ! -f $ASPROF_JAR ]]; then
        echo "fetching async-profiler 4.1 from Maven Central ..." >&2
        mvn -B -q dependency:get -Dartifact=tools.profiler:async-profiler:4.1 >&2 ||
            { echo "profile: could not fetch tools.profiler:async-profiler:4.1" >&2; exit 2; }
    fi
    command -v unzip >/dev/null || { echo "profile: --async needs unzip" >&2; exit 2; }
fi
JAR=${GATEHOUSE_JAR:-$REPO_DIR/admin-console/target/gatehouse.jar}   # GATEHOUSE_JAR: another build to profile
[[ -f $JAR ]] || (cd "$REPO_DIR" && mvn -B -q -DskipTests package -pl admin-console -am)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gh-profile.XXXXXX")
chmod 755 "$TMP"
PIDS=()
RESTORE_PARANOID=
cleanup() {
    [[ -n $RESTORE_PARANOID ]] && sysctl -qw kernel.perf_event_paranoid="$RESTORE_PARANOID" || true
    stop_groups "${PIDS[@]}"
    ((KEEP)) && echo "kept $TMP" >&2 || rm -rf "$TMP"
}
trap cleanup EXIT
if ((ASYNC)); then   # the library comes out of the jar into the temp dir; it is never kept
    ASPROF_LIB=$TMP/libasyncProfiler.so
    unzip -p "$ASPROF_JAR" "$ASPROF_ARCH/libasyncProfiler.so" >"$ASPROF_LIB" && [[ -s $ASPROF_LIB ]] ||
        { echo "profile: no $ASPROF_ARCH/libasyncProfiler.so in $ASPROF_JAR" >&2; exit 2; }
    # Kernel frames need perf events with kernel samples: kernel.perf_event_paranoid <= 1
    KERNEL_FRAMES=1
    PARANOID=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 2)
    if ((PARANOID > 1)); then
        if [[ $EUID -eq 0 ]] && sysctl -qw kernel.perf_event_paranoid=1; then
            RESTORE_PARANOID=$PARANOID   # put back at exit
        else
            KERNEL_FRAMES=0
        fi
    fi
fi

write_origin_conf "$TMP/origin" "$ORIGIN_PORT"
setsid nginx -p "$TMP/origin" -c "$TMP/origin/nginx.conf" >"$TMP/origin.log" 2>&1 </dev/null &
PIDS+=($!)
mkdir -p "$TMP/conf.d"
write_gatehouse_conf "$TMP/conf.d/bench.conf" "$GH_PORT" "$ORIGIN_PORT" "$TMP/logs"
if ((CACHE)); then   # the cluster's section is the file's last: its lifetime, then the tier
    printf 'cache_valid = 10m\n\n[proxypass]\ncache_memory = 16\n' >>"$TMP/conf.d/bench.conf"
fi
# The launcher's options (lib/measure.sh; GATEHOUSE_JAVA_OPTS to profile others), and, for
# async-profiler, frames placed where the JIT's inlined code really is rather than at the last safepoint
JAVA_OPTS_PROFILE=$(gatehouse_java_opts --conf "$TMP/conf.d")
if ((ASYNC)); then JAVA_OPTS_PROFILE="$JAVA_OPTS_PROFILE -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints"; fi
# shellcheck disable=SC2086 # options are words
setsid java $JAVA_OPTS_PROFILE -jar "$JAR" run --conf "$TMP/conf.d" >"$TMP/gatehouse.log" 2>&1 </dev/null &
GH=$!
PIDS+=("$GH")
for ((i = 0; i < 300; i++)); do
    curl -sf -o /dev/null "http://127.0.0.1:$GH_PORT/$SIZE.bin" && break
    sleep 0.1
done
curl -sf -o /dev/null "http://127.0.0.1:$GH_PORT/$SIZE.bin" || { echo "profile: Gatehouse did not answer" >&2; tail -20 "$TMP/gatehouse.log" >&2; exit 1; }

URL=http://127.0.0.1:$GH_PORT/$SIZE.bin
echo "warming up ${WARMUP}s on $URL ..." >&2
timeout $((WARMUP + 30)) wrk -t2 -c"$CONNS" -d"${WARMUP}s" "$URL" >/dev/null
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$BENCH_DIR/results"
if ((ASYNC)); then
    OUT=$BENCH_DIR/results/profile-$STAMP-$EVENT
    case $EVENT in
        cpu) OPTS="event=cpu,interval=1000000" ;;   # a sample per ms of CPU time, user and kernel
        wall) OPTS="event=wall,interval=5000000" ;; # every thread every 5 ms, running or not
        alloc) OPTS="event=alloc,total" ;;          # sampled allocations, weighed in bytes
    esac
    # Exact bytes allocated per request: JFR's per-thread counters at the start and the end
    cat >"$TMP/alloc.jfc" <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="allocated bytes per thread">
  <event name="jdk.ThreadAllocationStatistics">
    <setting name="enabled">true</setting>
    <setting name="period">everyChunk</setting>
  </event>
</configuration>
JFC
    jcmd "$GH" JFR.start name=gh-alloc settings="$TMP/alloc.jfc" filename="$TMP/alloc.jfr" >/dev/null
    # The inner single quotes keep jcmd from splitting the option string at '='.
    jcmd "$GH" JVMTI.agent_load "$ASPROF_LIB" \
        "'start,$OPTS,threads,ann,timeout=$DURATION,file=$OUT.html'" >"$TMP/agent-start.txt" 2>&1 ||
        { echo "profile: async-profiler did not start: $(cat "$TMP/agent-start.txt")" >&2; exit 1; }
    timeout $((DURATION + 30)) wrk -t2 -c"$CONNS" -d"${DURATION}s" "$URL" >"$TMP/wrk.txt"
    grep -E "Requests/sec|Latency|requests in" "$TMP/wrk.txt" >&2
    jcmd "$GH" JFR.stop name=gh-alloc >/dev/null
    for ((i = 0; i < 150; i++)); do [[ -s $OUT.html ]] && break; sleep 0.1; done   # written at its timeout
    [[ -s $OUT.html ]] || { echo "profile: no flame graph from async-profiler; Gatehouse log:" >&2; tail -5 "$TMP/gatehouse.log" >&2; exit 1; }
    TOTAL_OPT=
    [[ $EVENT == alloc ]] && TOTAL_OPT=,total
    jcmd "$GH" JVMTI.agent_load "$ASPROF_LIB" "'dump,collapsed,threads,ann$TOTAL_OPT,file=$OUT.collapsed'" >/dev/null
    for ((i = 0; i < 50; i++)); do [[ -s $OUT.collapsed ]] && break; sleep 0.1; done
    REQUESTS=$(awk '/ requests in /{print $1}' "$TMP/wrk.txt")
    echo "flame graph: $OUT.html" >&2
    echo "collapsed stacks: $OUT.collapsed" >&2
    ((KERNEL_FRAMES)) || echo "NOTE: kernel frames are missing: kernel.perf_event_paranoid is above 1 and this is not root" >&2
    python3 "$BENCH_DIR/lib/collapsed_hot.py" "$EVENT" "$OUT.collapsed" "$REQUESTS" 1000000
    echo
    jfr print --json --events jdk.ThreadAllocationStatistics "$TMP/alloc.jfr" |
        python3 "$BENCH_DIR/lib/alloc_per_request.py" "$REQUESTS"
    exit 0
fi
JFR_FILE=$BENCH_DIR/results/profile-$STAMP.jfr
jcmd "$GH" JFR.start name=gh settings=profile method-profiling=max filename="$JFR_FILE" >/dev/null
timeout $((DURATION + 30)) wrk -t2 -c"$CONNS" -d"${DURATION}s" "$URL" | grep -E "Requests/sec|Latency" >&2
jcmd "$GH" JFR.stop name=gh >/dev/null
echo "recording: $JFR_FILE" >&2
jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample "$JFR_FILE" | python3 "$BENCH_DIR/lib/jfr_hot.py"

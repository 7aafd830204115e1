#!/usr/bin/env bash
# Where Gatehouse spends its CPU under load, from the JDK's Flight Recorder: the same origin and
# Gatehouse setup as bench/run.sh, wrk against Gatehouse alone, a JFR recording of the measured part,
# and the hottest frames printed (by own time, and by time including callees).
#
#   bench/profile.sh [-d SECS] [-w WARMUP_SECS] [-s 1k|100k] [-c CONNS] [--keep]
#
# The recording is kept as bench/results/profile-<stamp>.jfr (open it in JDK Mission Control for more).
# Java and native-method samples are both counted: time in a system call shows under the Java frames
# that made it, but what the kernel does inside it (the loopback TCP path, scheduling) is not split out.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=lib/nginx.sh
source "$BENCH_DIR/lib/nginx.sh"

DURATION=20
WARMUP=30
SIZE=1k
CONNS=64
KEEP=0
GH_PORT=${GH_PORT:-18180}
ORIGIN_PORT=${ORIGIN_PORT:-18190}
while (($#)); do
    case $1 in
        -d) DURATION=$2; shift ;;
        -w) WARMUP=$2; shift ;;
        -s) SIZE=$2; shift ;;
        -c) CONNS=$2; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "profile: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
[[ $SIZE == 1k || $SIZE == 100k ]] || { echo "profile: -s takes 1k or 100k" >&2; exit 2; }
for v in DURATION WARMUP CONNS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || { echo "profile: $v must be a whole number" >&2; exit 2; }
done
PATH=$PATH:/usr/sbin
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "profile: needs wrk and nginx (apt-get install wrk nginx)" >&2; exit 2; }
JAR=${GATEHOUSE_JAR:-$REPO_DIR/admin-console/target/gatehouse.jar}   # GATEHOUSE_JAR: another build to profile
[[ -f $JAR ]] || (cd "$REPO_DIR" && mvn -B -q -DskipTests package -pl admin-console -am)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gh-profile.XXXXXX")
chmod 755 "$TMP"
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
    sleep 1
    for p in "${PIDS[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
    ((KEEP)) && echo "kept $TMP" >&2 || rm -rf "$TMP"
}
trap cleanup EXIT

write_origin_conf "$TMP/origin" "$ORIGIN_PORT"
setsid nginx -p "$TMP/origin" -c "$TMP/origin/nginx.conf" >"$TMP/origin.log" 2>&1 </dev/null &
PIDS+=($!)
mkdir -p "$TMP/conf.d"
cat >"$TMP/conf.d/bench.conf" <<CONF
[server]
ip = 127.0.0.1
port = $GH_PORT
processes = 1

[log]
dir = $TMP/logs

[routes:line]
/ = @origin

[@origin]
members = 127.0.0.1:$ORIGIN_PORT
CONF
setsid java -Xms64m -Xmx512m -XX:+UseG1GC -jar "$JAR" run --conf "$TMP/conf.d" >"$TMP/gatehouse.log" 2>&1 </dev/null &
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
JFR_FILE=$BENCH_DIR/results/profile-$STAMP.jfr
jcmd "$GH" JFR.start name=gh settings=profile method-profiling=max filename="$JFR_FILE" >/dev/null
timeout $((DURATION + 30)) wrk -t2 -c"$CONNS" -d"${DURATION}s" "$URL" | grep -E "Requests/sec|Latency" >&2
jcmd "$GH" JFR.stop name=gh >/dev/null
echo "recording: $JFR_FILE" >&2
jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample "$JFR_FILE" | python3 "$BENCH_DIR/lib/jfr_hot.py"

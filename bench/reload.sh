#!/usr/bin/env bash
# What a hot reload costs the traffic going through: wrk on 1 KiB through Gatehouse with no reloads,
# and with conf.d edited once a second (each edit changes a route's answer, so every one is a real
# reload: parsed, checked, built, swapped), in interleaved rounds on the same process.
#
#   bench/reload.sh         (env: ROUNDS=3 D=10 CONNS=64 WARMUP=10 GATEHOUSE_JAR=admin-console/target/gatehouse.jar)
#   bench/run.sh --reload   (the same)
#
# Prints one line per run (req/s, errors, p50/p99, reloads seen) and the medians; raw outputs stay in
# bench/results/reload-<stamp>/. Every error counts: non-2xx answers and socket errors must stay 0.
# A benchmark, not a test: it fails only on broken plumbing.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=lib/nginx.sh
source "$BENCH_DIR/lib/nginx.sh"
# shellcheck source=lib/measure.sh
source "$BENCH_DIR/lib/measure.sh"
GH_JAVA_OPTS=$(gatehouse_java_opts) # the launcher's (lib/measure.sh)
ROUNDS=${ROUNDS:-3}; D=${D:-10}; CONNS=${CONNS:-64}; WARMUP=${WARMUP:-10}
GATEHOUSE_JAR=${GATEHOUSE_JAR:-$REPO_DIR/admin-console/target/gatehouse.jar}
GH_PORT=${GH_PORT:-18680}; ORIGIN_PORT=${ORIGIN_PORT:-18690}
PATH=$PATH:/usr/sbin
die() { echo "reload: $*" >&2; exit 1; }
for t in wrk nginx curl python3 bc; do command -v "$t" >/dev/null || die "needs $t (apt-get install wrk nginx curl bc)"; done
[[ -f $GATEHOUSE_JAR ]] || die "no jar at $GATEHOUSE_JAR (mvn -q -DskipTests package)"
for v in ROUNDS D CONNS WARMUP; do [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number"; done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gh-reload.XXXXXX"); chmod 755 "$TMP"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$BENCH_DIR/results/reload-$STAMP; mkdir -p "$OUT"
PIDS=()
EDITOR_PID=
cleanup() {
    [[ -n $EDITOR_PID ]] && kill "$EDITOR_PID" 2>/dev/null || true
    stop_groups "${PIDS[@]}"
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

write_origin_conf "$TMP/origin" "$ORIGIN_PORT"
setsid nginx -p "$TMP/origin" -c "$TMP/origin/nginx.conf" >"$OUT/origin.log" 2>&1 </dev/null &
PIDS+=("$!")
wait_url "http://127.0.0.1:$ORIGIN_PORT/1k.bin" 10

mkdir -p "$TMP/conf.d"
site() { # VERSION: the site file, whose /version route answers VERSION
    cat <<EOF
[server]
ip = 127.0.0.1
port = $GH_PORT

[log]
dir = $TMP/gh-logs

[routes:line]
/version = return 200 $1
/ = @origin

[@origin]
members = 127.0.0.1:$ORIGIN_PORT
health = /1k.bin
EOF
}
site 0 >"$TMP/conf.d/site.conf"

setsid java $GH_JAVA_OPTS -jar "$GATEHOUSE_JAR" \
    run --conf "$TMP/conf.d" >"$OUT/gatehouse.log" 2>&1 </dev/null &
GH=$!; PIDS+=("$GH")
wait_url "http://127.0.0.1:$GH_PORT/1k.bin" 60
URL=http://127.0.0.1:$GH_PORT/1k.bin

# The editor: a new /version answer once a second, written as editors do (a temporary file renamed
# over the old one). Bounded: it stops after MAX edits or when its stop file appears.
editor() { # FIRST_VERSION MAX
    local v=$1 i
    for ((i = 0; i < $2; i++)); do
        [[ -e $TMP/stop-editor ]] && break
        v=$((v + 1))
        site "$v" >"$TMP/conf.d/.site.conf.tmp"
        mv "$TMP/conf.d/.site.conf.tmp" "$TMP/conf.d/site.conf"
        echo "$v" >"$TMP/version"
        sleep 1
    done
}
echo 0 >"$TMP/version"
# The edit has taken effect once /version answers it (bounded wait).
applied() { # VERSION
    local i
    for ((i = 0; i < 50; i++)); do
        [[ $(curl -s "http://127.0.0.1:$GH_PORT/version") == "$1" ]] && return 0
        sleep 0.1
    done
    return 1
}

timeout $((WARMUP + 30)) wrk -t2 -c"$CONNS" -d"${WARMUP}s" "$URL" >/dev/null

run() { # ROUND MODE(steady|reloading)
    local out=$OUT/r$1-$2.txt c0 c1 v0 v1 edits=0
    v0=$(cat "$TMP/version")
    rm -f "$TMP/stop-editor"
    if [[ $2 == reloading ]]; then
        editor "$v0" $((D + 5)) &
        EDITOR_PID=$!
    fi
    c0=$(cpu_ticks "$GH")
    timeout $((D + 30)) wrk -t2 -c"$CONNS" -d"${D}s" --latency "$URL" >"$out" 2>&1 ||
        die "wrk failed ($2): $(tail -n 3 "$out")"
    c1=$(cpu_ticks "$GH")
    if [[ -n $EDITOR_PID ]]; then
        touch "$TMP/stop-editor"
        wait "$EDITOR_PID" 2>/dev/null || true
        EDITOR_PID=
    fi
    v1=$(cat "$TMP/version")
    if ((v1 != v0)); then
        applied "$v1" || die "the last edit (version $v1) did not take effect: see $OUT/gatehouse.log"
        edits=$((v1 - v0))
    fi
    printf '%s %s %s edits=%s\n' "$1" "$2" "$(wrk_figures "$out" $((c1 - c0)))" "$edits"
}
for ((r = 1; r <= ROUNDS; r++)); do
    if ((r % 2)); then order="steady reloading"; else order="reloading steady"; fi
    for m in $order; do run "$r" "$m"; done
done | tee "$OUT/runs.txt"
grep -c 'reload applied' "$OUT/gatehouse.log" >"$OUT/applied.txt" || true
echo "reloads applied in the log: $(cat "$OUT/applied.txt"); refused: $(grep -c 'reload refused' "$OUT/gatehouse.log" || true)"

python3 - "$OUT/runs.txt" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    rows.setdefault(f[1], []).append({k: float(v) for k, v in (x.split("=") for x in f[2:])})
print()
print("%-10s %10s %7s %8s %8s %10s %6s" % ("mode", "req/s", "errors", "p50 ms", "p99 ms", "CPU us/req", "edits"))
med = {}
for t, rs in rows.items():
    med[t] = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
    m = med[t]
    print("%-10s %10.0f %7.0f %8.2f %8.2f %10.1f %6.0f" % (t, m["rps"], sum(r["errors"] for r in rs),
                                                          m["p50_us"] / 1000, m["p99_us"] / 1000,
                                                          m["cpu_us_per_req"], m["edits"]))
s, r = med["steady"], med["reloading"]
spread = lambda t: (max(x["rps"] for x in rows[t]) / min(x["rps"] for x in rows[t]) - 1) * 100
print("reloading / steady: req/s %.2fx, p99 %.2fx, CPU/req %.2fx (medians of %d rounds; spread %.0f%% / %.0f%%)" % (
    r["rps"] / s["rps"], r["p99_us"] / s["p99_us"], r["cpu_us_per_req"] / s["cpu_us_per_req"], len(rows["steady"]),
    spread("reloading"), spread("steady")))
EOF

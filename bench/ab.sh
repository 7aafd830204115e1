#!/usr/bin/env bash
# Two Gatehouse builds side by side over one origin: both run at once, wrk alternates between them
# (A then B, ROUNDS times, after a warm-up of each), and each run's CPU time per request is read from
# /proc. Paired rounds on the same machine at the same moment: steadier than two bench/run.sh runs for
# telling whether a change costs CPU on the request path.
#
#   bench/ab.sh JAR_A JAR_B        (env: ROUNDS=6 D=8 SIZE=1k|100k CONNS=64 WARMUP=15)
#
# Prints one line per run and the mean CPU µs/request, req/s and wrk p99 of each. Needs wrk and nginx.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/nginx.sh
source "$BENCH_DIR/lib/nginx.sh"
# shellcheck source=lib/measure.sh
source "$BENCH_DIR/lib/measure.sh"
GH_JAVA_OPTS=$(gatehouse_java_opts) # both builds with the launcher's options (lib/measure.sh)
(($# == 2)) || { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
A=$1; B=$2
ROUNDS=${ROUNDS:-6}; D=${D:-8}; SIZE=${SIZE:-1k}; CONNS=${CONNS:-64}; WARMUP=${WARMUP:-15}
ORIGIN_PORT=${ORIGIN_PORT:-18490}; PORT_A=${PORT_A:-18481}; PORT_B=${PORT_B:-18482}
PATH=$PATH:/usr/sbin
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "ab: needs wrk and nginx" >&2; exit 2; }
[[ -f $A && -f $B ]] || { echo "ab: no such jar: $A or $B" >&2; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gh-ab.XXXXXX"); chmod 755 "$TMP"
PIDS=()
cleanup() {
    stop_groups "${PIDS[@]}"
    rm -rf "$TMP"
}
trap cleanup EXIT
write_origin_conf "$TMP/origin" "$ORIGIN_PORT"
setsid nginx -p "$TMP/origin" -c "$TMP/origin/nginx.conf" >"$TMP/origin.log" 2>&1 </dev/null &
PIDS+=($!)
start_gatehouse() { # jar port -> pid
    mkdir -p "$TMP/c$2"
    printf '[server]\nip = 127.0.0.1\nport = %s\nprocesses = 1\n\n[log]\ndir = %s\n\n[routes:line]\n/ = @origin\n\n[@origin]\nmembers = 127.0.0.1:%s\n' \
        "$2" "$TMP/logs$2" "$ORIGIN_PORT" >"$TMP/c$2/bench.conf"
    # shellcheck disable=SC2086 # options are words
    setsid java $GH_JAVA_OPTS -jar "$1" run --conf "$TMP/c$2" \
        >"$TMP/gh$2.log" 2>&1 </dev/null &
    echo $!
}
GA=$(start_gatehouse "$A" "$PORT_A"); PIDS+=("$GA")
GB=$(start_gatehouse "$B" "$PORT_B"); PIDS+=("$GB")
for p in "$PORT_A" "$PORT_B"; do
    for ((i = 0; i < 300; i++)); do curl -sf -o /dev/null "http://127.0.0.1:$p/$SIZE.bin" && break; sleep 0.1; done
    curl -sf -o /dev/null "http://127.0.0.1:$p/$SIZE.bin" || { echo "ab: Gatehouse on $p did not answer" >&2; exit 1; }
done
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for _ in 1 2; do
    for p in "$PORT_A" "$PORT_B"; do timeout $((WARMUP + 30)) wrk -t2 -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:$p/$SIZE.bin" >/dev/null; done
done
CLK=$(getconf CLK_TCK)
for ((r = 1; r <= ROUNDS; r++)); do
    for side in A B; do
        if [[ $side == A ]]; then pid=$GA; port=$PORT_A; else pid=$GB; port=$PORT_B; fi
        c0=$(cpu_ticks "$pid")
        out=$(timeout $((D + 30)) wrk -t2 -c"$CONNS" -d"${D}s" --latency "http://127.0.0.1:$port/$SIZE.bin")
        c1=$(cpu_ticks "$pid")
        req=$(echo "$out" | awk '/ requests in /{print $1}')
        rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
        p99=$(echo "$out" | awk '$1 == "99%" {v = $2; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0; else v = v * 1000; print v}')
        echo "$r $side rps=$rps cpu_us_per_req=$(echo "scale=2; ($c1 - $c0) * 1000000 / $CLK / $req" | bc) p99_ms=$p99"
    done
done | tee "$TMP/runs.txt"
awk '{split($3, q, "="); split($4, c, "="); split($5, l, "="); rps[$2] += q[2]; cpu[$2] += c[2]; p99[$2] += l[2]; n[$2]++}
     END {for (k in n) printf "%s: mean %.2f CPU us/request, %.0f req/s, p99 %.2f ms over %d runs\n", k, cpu[k] / n[k], rps[k] / n[k], p99[k] / n[k], n[k]}' \
    "$TMP/runs.txt" | sort

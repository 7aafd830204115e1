#!/usr/bin/env bash
# A three-member cluster behind Gatehouse and behind nginx, both balancing with least_conn over the
# same three origin nginx instances, measured in one run: steady, and while one member dies. Each
# round: Gatehouse steady, nginx steady, Gatehouse losing member 3, nginx losing member 3 (killed a
# third of the way into the run, started again after it, and given fail_timeout to come back).
#
#   bench/cluster.sh            (env: ROUNDS=3 D=12 SIZE=1k CONNS=64 WARMUP=20 STRATEGY=least_conn
#                                     GATEHOUSE_JAR=admin-console/target/gatehouse.jar)
#
# Prints one line per run (req/s, errors, p50/p99, proxy CPU µs per request) and the medians; the
# raw wrk outputs stay in bench/results/cluster-<stamp>/. Needs wrk and nginx (apt-get install wrk nginx).
# A benchmark, not a test: it fails only on broken plumbing.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=lib/nginx.sh
source "$BENCH_DIR/lib/nginx.sh"
# shellcheck source=lib/measure.sh
source "$BENCH_DIR/lib/measure.sh"
GH_JAVA_OPTS=$(gatehouse_java_opts) # the launcher's (lib/measure.sh)
ROUNDS=${ROUNDS:-3}; D=${D:-12}; SIZE=${SIZE:-1k}; CONNS=${CONNS:-64}; WARMUP=${WARMUP:-20}
STRATEGY=${STRATEGY:-least_conn}
GATEHOUSE_JAR=${GATEHOUSE_JAR:-$REPO_DIR/admin-console/target/gatehouse.jar}
GH_PORT=${GH_PORT:-18380}; NGINX_PORT=${NGINX_PORT:-18381}; MEMBER_BASE=${MEMBER_BASE:-18391}
FAIL_TIMEOUT=10   # nginx's default, and Gatehouse's: how long a failed member stays out
PATH=$PATH:/usr/sbin
die() { echo "cluster: $*" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || die "needs wrk and nginx (apt-get install wrk nginx)"
[[ -f $GATEHOUSE_JAR ]] || die "no jar at $GATEHOUSE_JAR (mvn -q -DskipTests package)"
for v in ROUNDS D CONNS WARMUP; do [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number"; done
((D >= 3)) || die "D must be at least 3 seconds"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gh-cluster.XXXXXX"); chmod 755 "$TMP"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$BENCH_DIR/results/cluster-$STAMP; mkdir -p "$OUT"
PIDS=()
cleanup() {
    local p
    local m3
    m3=$(cat "$TMP/m3.pid" 2>/dev/null || true)   # member 3 is restarted inside the (piped) loop
    for p in "${PIDS[@]}" $m3; do kill -TERM -- "-$p" 2>/dev/null || true; done
    sleep 1
    for p in "${PIDS[@]}" $m3; do kill -KILL -- "-$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() { wait_url "http://127.0.0.1:$1/$SIZE.bin" "$2"; } # PORT SECS: a 200 for /SIZE.bin (lib/measure.sh)
start_member() { # N -> pid (process group)
    setsid nginx -p "$TMP/m$1" -c "$TMP/m$1/nginx.conf" >>"$OUT/member$1.log" 2>&1 </dev/null &
    echo $!
}
MEMBERS=()
for n in 1 2 3; do
    write_origin_conf "$TMP/m$n" $((MEMBER_BASE + n - 1))
    MEMBERS+=("127.0.0.1:$((MEMBER_BASE + n - 1))")
done
M1=$(start_member 1); PIDS+=("$M1")
M2=$(start_member 2); PIDS+=("$M2")
M3=$(start_member 3); echo "$M3" >"$TMP/m3.pid"
for n in 1 2 3; do wait_port $((MEMBER_BASE + n - 1)) 10; done

# The reference nginx: the same three members, least_conn (or the strategy's nginx twin), defaults
# for max_fails (1), fail_timeout (10s) and proxy_next_upstream (error timeout).
case $STRATEGY in
    least_conn) NGINX_BALANCE="least_conn;" ;;
    round_robin) NGINX_BALANCE="" ;;
    random_two) NGINX_BALANCE="random two least_conn;" ;;
    *) NGINX_BALANCE="least_conn;" ;;
esac
mkdir -p "$TMP/nginx/tmp"
{
    nginx_common "$TMP/nginx"
    echo "http {"
    nginx_http_common "$TMP/nginx"
    echo "    upstream origin {"
    echo "        $NGINX_BALANCE"
    for m in "${MEMBERS[@]}"; do echo "        server $m;"; done
    cat <<EOF
        keepalive 64;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        location / {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_max_temp_file_size 0;
        }
    }
}
EOF
} >"$TMP/nginx/nginx.conf"
setsid nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" >"$OUT/nginx.log" 2>&1 </dev/null &
NG=$!; PIDS+=("$NG")

mkdir -p "$TMP/conf.d"
cat >"$TMP/conf.d/bench.conf" <<EOF
[server]
ip = 127.0.0.1
port = $GH_PORT
processes = 1

[log]
dir = $TMP/gh-logs

[routes:line]
/ = @origin

[@origin]
members = $(IFS=,; echo "${MEMBERS[*]}" | sed 's/,/, /g')
strategy = $STRATEGY
EOF
setsid java $GH_JAVA_OPTS -jar "$GATEHOUSE_JAR" \
    run --conf "$TMP/conf.d" >"$OUT/gatehouse.log" 2>&1 </dev/null &
GH=$!; PIDS+=("$GH")
wait_port "$NGINX_PORT" 10
wait_port "$GH_PORT" 60

CLK=$(getconf CLK_TCK)
port_of() { if [[ $1 == gatehouse ]]; then echo "$GH_PORT"; else echo "$NGINX_PORT"; fi; }
pid_of() { if [[ $1 == gatehouse ]]; then echo "$GH"; else echo "$NG"; fi; }

for p in gatehouse nginx; do
    timeout $((WARMUP + 30)) wrk -t2 -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:$(port_of $p)/$SIZE.bin" >/dev/null
done

run() { # ROUND PROXY PHASE
    local out=$OUT/r$1-$2-$3.txt pid port c0 c1 killer=
    pid=$(pid_of "$2"); port=$(port_of "$2")
    c0=$(cpu_ticks "$pid")
    if [[ $3 == loss ]]; then
        (sleep $((D / 3)); kill -KILL -- "-$M3" 2>/dev/null || true) &
        killer=$!
    fi
    timeout $((D + 30)) wrk -t2 -c"$CONNS" -d"${D}s" --latency -s "$BENCH_DIR/lib/report.lua" \
        "http://127.0.0.1:$port/$SIZE.bin" >"$out" 2>&1 || die "wrk failed against $2: $(tail -n 3 "$out")"
    c1=$(cpu_ticks "$pid")
    [[ -n $killer ]] && wait "$killer" 2>/dev/null || true
    local j req rps errs p50 p99
    j=$(sed -n 's/^WRKJSON //p' "$out")
    req=$(echo "$j" | sed 's/.*"requests":\([0-9]*\).*/\1/')
    rps=$(awk '/Requests\/sec/{print $2}' "$out")
    errs=$(echo "$j" | sed 's/.*"errors":{"connect":\([0-9]*\),"read":\([0-9]*\),"write":\([0-9]*\),"status":\([0-9]*\),"timeout":\([0-9]*\)}.*/\1 \2 \3 \4 \5/' |
        awk '{print $1 + $2 + $3 + $4 + $5}')
    p50=$(echo "$j" | sed 's/.*"lat_p50_us":\([0-9]*\).*/\1/')
    p99=$(echo "$j" | sed 's/.*"lat_p99_us":\([0-9]*\).*/\1/')
    printf '%s %s %s rps=%s errors=%s p50_us=%s p99_us=%s cpu_us_per_req=%s\n' "$1" "$2" "$3" "$rps" "$errs" "$p50" "$p99" \
        "$(echo "scale=2; ($c1 - $c0) * 1000000 / $CLK / $req" | bc)"
    if [[ $3 == loss ]]; then
        M3=$(start_member 3); echo "$M3" >"$TMP/m3.pid"
        wait_port $((MEMBER_BASE + 2)) 10
        sleep $((FAIL_TIMEOUT + 1)) # both proxies take member 3 back after fail_timeout
    fi
}
for ((r = 1; r <= ROUNDS; r++)); do
    for phase in steady loss; do
        for p in gatehouse nginx; do run "$r" "$p" "$phase"; done
    done
done | tee "$OUT/runs.txt"

python3 - "$OUT/runs.txt" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    kv = dict(x.split("=") for x in f[3:])
    rows.setdefault((f[2], f[1]), []).append({k: float(v) for k, v in kv.items()})
print()
print("%-7s %-10s %10s %8s %8s %8s %10s" % ("phase", "proxy", "req/s", "errors", "p50 ms", "p99 ms", "CPU us/req"))
med = {}
for phase in ("steady", "loss"):
    for proxy in ("gatehouse", "nginx"):
        rs = rows.get((phase, proxy), [])
        if not rs:
            continue
        m = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
        med[(phase, proxy)] = m
        print("%-7s %-10s %10.0f %8.0f %8.2f %8.2f %10.1f" % (phase, proxy, m["rps"], m["errors"],
              m["p50_us"] / 1000, m["p99_us"] / 1000, m["cpu_us_per_req"]))
for phase in ("steady", "loss"):
    g, n = med.get((phase, "gatehouse")), med.get((phase, "nginx"))
    if g and n:
        print("%s: Gatehouse/nginx req/s %.2fx, p99 %.2fx, CPU/req %.2fx; errors %d vs %d (medians of %d rounds)" % (
            phase, g["rps"] / n["rps"], g["p99_us"] / n["p99_us"], g["cpu_us_per_req"] / n["cpu_us_per_req"],
            g["errors"], n["errors"], len(rows[(phase, "gatehouse")])))
EOF

#!/usr/bin/env bash
# Cache hits: Gatehouse's response cache against nginx's proxy_cache (kept in memory: its cache
# directory on /dev/shm), the same origin, the same objects, measured in one run with interleaved
# rounds; then a Zipf-distributed key set larger than Gatehouse's memory tier, where the disk tier
# matters, with the hit ratio per tier (Gatehouse's own statistics, logged when it stops) and the
# origin's request count for both.
#
#   bench/cache.sh            (env: ROUNDS=3 D=10 CONNS=64 WARMUP=10 ZIPF_KEYS=4000 ZIPF_S=1.0
#                                   ZIPF_OBJECT=32k MEMORY_MB=16 DISK_MB=512 NGINX_CACHE_SENDFILE=off
#                                   GATEHOUSE_JAR=admin-console/target/gatehouse.jar)
#
# Each proxy is warmed WARMUP seconds on each size and twice that on the Zipf key set before the
# measured rounds. Prints one line per run and the medians; raw outputs stay in bench/results/cache-<stamp>/. Needs wrk
# and nginx. A benchmark, not a test: it fails only on broken plumbing.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=lib/nginx.sh
source "$BENCH_DIR/lib/nginx.sh"
# shellcheck source=lib/measure.sh
source "$BENCH_DIR/lib/measure.sh"
ROUNDS=${ROUNDS:-3}; D=${D:-10}; CONNS=${CONNS:-64}; WARMUP=${WARMUP:-10}
ZIPF_KEYS=${ZIPF_KEYS:-4000}; ZIPF_S=${ZIPF_S:-1.0}; ZIPF_OBJECT=${ZIPF_OBJECT:-32k}
MEMORY_MB=${MEMORY_MB:-16}; DISK_MB=${DISK_MB:-512}
# nginx sends a cached answer's body with sendfile(2) from its cache file unless told not to; on this
# loopback that stalls 100 KiB hits on delayed ACKs (p50 ~44 ms), so the reference reads them instead.
NGINX_CACHE_SENDFILE=${NGINX_CACHE_SENDFILE:-off}
GATEHOUSE_JAR=${GATEHOUSE_JAR:-$REPO_DIR/admin-console/target/gatehouse.jar}
GH_PORT=${GH_PORT:-18480}; NGINX_PORT=${NGINX_PORT:-18481}; ORIGIN_PORT=${ORIGIN_PORT:-18490}
PATH=$PATH:/usr/sbin
die() { echo "cache: $*" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || die "needs wrk and nginx (apt-get install wrk nginx)"
[[ -f $GATEHOUSE_JAR ]] || die "no jar at $GATEHOUSE_JAR (mvn -q -DskipTests package)"
for v in ROUNDS D CONNS WARMUP ZIPF_KEYS MEMORY_MB DISK_MB; do [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number"; done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gh-cache.XXXXXX"); chmod 755 "$TMP"
SHM=$(mktemp -d /dev/shm/gh-cache-nginx.XXXXXX)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$BENCH_DIR/results/cache-$STAMP; mkdir -p "$OUT"
PIDS=()
cleanup() {
    stop_groups "${PIDS[@]}"
    rm -rf "$TMP" "$SHM"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() { wait_url "http://127.0.0.1:$1$3" "$2"; } # PORT SECS PATH (lib/measure.sh)

# The origin: 1k.bin and 100k.bin, and /z/<k> (all the same ZIPF_OBJECT bytes, distinct URLs), each
# fresh for an hour; it logs every request so that misses can be counted.
mkdir -p "$TMP/origin/www" "$TMP/origin/tmp"
head -c 1024 /dev/urandom >"$TMP/origin/www/1k.bin"
head -c 102400 /dev/urandom >"$TMP/origin/www/100k.bin"
head -c "$ZIPF_OBJECT" /dev/urandom >"$TMP/origin/www/z.bin" 2>/dev/null ||
    head -c $(($(numfmt --from=iec "${ZIPF_OBJECT^^}"))) /dev/urandom >"$TMP/origin/www/z.bin"
{
    nginx_common "$TMP/origin"
    echo "http {"
    NGINX_ACCESS_LOG_PATH=off nginx_http_common "$TMP/origin"
    cat <<EOF
    log_format bare '\$server_port \$request_uri';
    server {
        listen 127.0.0.1:$ORIGIN_PORT backlog=4096;
        root $TMP/origin/www;
        access_log $TMP/origin/requests.log bare;
        add_header Cache-Control "max-age=3600";
        location /z/ { rewrite ^ /z.bin break; }
        location / { }
    }
}
EOF
} >"$TMP/origin/nginx.conf"
setsid nginx -p "$TMP/origin" -c "$TMP/origin/nginx.conf" >"$OUT/origin.log" 2>&1 </dev/null &
PIDS+=("$!")
wait_port "$ORIGIN_PORT" 10 /1k.bin

# The reference: nginx with proxy_cache kept in memory (/dev/shm), as large as Gatehouse's two tiers.
mkdir -p "$TMP/nginx/tmp"
{
    nginx_common "$TMP/nginx"
    echo "http {"
    nginx_http_common "$TMP/nginx"
    cat <<EOF
    proxy_cache_path $SHM levels=1:2 keys_zone=gh:32m max_size=$((MEMORY_MB + DISK_MB))m inactive=1h use_temp_path=off;
    upstream origin { server 127.0.0.1:$ORIGIN_PORT; keepalive 64; keepalive_requests 1000000; }
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        location / {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache gh;
            proxy_cache_lock on;
            sendfile $NGINX_CACHE_SENDFILE;
            add_header X-Cache \$upstream_cache_status;
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

[proxypass]
cache_memory = $MEMORY_MB
cache_disk = $DISK_MB
cache_dir = $TMP/gh-cache

[tunefactors]
num_result_cache_max = 100000

[routes:line]
/ = @origin

[@origin]
members = 127.0.0.1:$ORIGIN_PORT
EOF
GH_JAVA_OPTS=$(gatehouse_java_opts --conf "$TMP/conf.d") # the launcher's for this conf.d (lib/measure.sh): G1
setsid java $GH_JAVA_OPTS -jar "$GATEHOUSE_JAR" \
    run --conf "$TMP/conf.d" >"$OUT/gatehouse.log" 2>&1 </dev/null &
GH=$!; PIDS+=("$GH")
wait_port "$NGINX_PORT" 10 /1k.bin
wait_port "$GH_PORT" 60 /1k.bin

port_of() { if [[ $1 == gatehouse ]]; then echo "$GH_PORT"; else echo "$NGINX_PORT"; fi; }
pid_of() { if [[ $1 == gatehouse ]]; then echo "$GH"; else echo "$NG"; fi; }
origin_requests() { wc -l <"$TMP/origin/requests.log"; }

for p in gatehouse nginx; do
    for f in 1k 100k; do
        [[ $(curl -s -o /dev/null -D - "http://127.0.0.1:$(port_of $p)/$f.bin" | tr -d '\r' | grep -ci '^x-cache:') == 1 ]] ||
            die "$p answers /$f.bin without X-Cache: is its cache on?"
        timeout $((WARMUP + 30)) wrk -t2 -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:$(port_of $p)/$f.bin" >/dev/null
    done
    # the Zipf key set too: unwarmed, the first measured round was the caches filling (4 % of its requests
    # went to the origin, against 0.1 % in the next) and the phase's rounds spread by 27-61 %
    ZIPF_KEYS=$ZIPF_KEYS ZIPF_S=$ZIPF_S timeout $((2 * WARMUP + 30)) wrk -t2 -c"$CONNS" -d"$((2 * WARMUP))s" \
        -s "$BENCH_DIR/lib/zipf.lua" "http://127.0.0.1:$(port_of $p)/" >/dev/null
done

run() { # ROUND PROXY PHASE (1k | 100k | zipf)
    local out=$OUT/r$1-$2-$3.txt pid port c0 c1 o0 o1 url script=()
    pid=$(pid_of "$2"); port=$(port_of "$2")
    if [[ $3 == zipf ]]; then
        url="http://127.0.0.1:$port/"; script=(-s "$BENCH_DIR/lib/zipf.lua")
    else
        url="http://127.0.0.1:$port/$3.bin"; script=(-s "$BENCH_DIR/lib/report.lua")
    fi
    c0=$(cpu_ticks "$pid"); o0=$(origin_requests)
    ZIPF_KEYS=$ZIPF_KEYS ZIPF_S=$ZIPF_S timeout $((D + 30)) wrk -t2 -c"$CONNS" -d"${D}s" --latency "${script[@]}" "$url" \
        >"$out" 2>&1 || die "wrk failed against $2: $(tail -n 3 "$out")"
    c1=$(cpu_ticks "$pid"); o1=$(origin_requests)
    printf '%s %s %s %s origin_per_1000=%s\n' "$1" "$2" "$3" "$(wrk_figures "$out" $((c1 - c0)))" \
        "$(echo "scale=2; ($o1 - $o0) * 1000 / $(wrk_requests "$out")" | bc)"
}
for ((r = 1; r <= ROUNDS; r++)); do
    for phase in 1k 100k zipf; do
        for p in gatehouse nginx; do run "$r" "$p" "$phase"; done
    done
done | tee "$OUT/runs.txt"

kill -TERM "$GH" 2>/dev/null || true
for ((i = 0; i < 100; i++)); do kill -0 "$GH" 2>/dev/null || break; sleep 0.1; done
grep -h "response cache at close" "$OUT/gatehouse.log" | tail -1 | sed 's/^.*response cache at close/Gatehouse cache at close/' || true

python3 - "$OUT/runs.txt" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    kv = dict(x.split("=") for x in f[3:])
    rows.setdefault((f[2], f[1]), []).append({k: float(v) for k, v in kv.items()})
print()
print("%-6s %-10s %10s %7s %8s %8s %10s %12s" % ("phase", "proxy", "req/s", "errors", "p50 ms", "p99 ms", "CPU us/req",
                                                "origin/1000"))
med = {}
for phase in ("1k", "100k", "zipf"):
    for proxy in ("gatehouse", "nginx"):
        rs = rows.get((phase, proxy), [])
        if not rs:
            continue
        m = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
        med[(phase, proxy)] = m
        print("%-6s %-10s %10.0f %7.0f %8.2f %8.2f %10.1f %12.2f" % (phase, proxy, m["rps"], m["errors"],
              m["p50_us"] / 1000, m["p99_us"] / 1000, m["cpu_us_per_req"], m["origin_per_1000"]))
for phase in ("1k", "100k", "zipf"):
    g, n = med.get((phase, "gatehouse")), med.get((phase, "nginx"))
    if g and n:
        spread = max(r["rps"] for r in rows[(phase, "gatehouse")]) / min(r["rps"] for r in rows[(phase, "gatehouse")]) - 1
        print("%s: Gatehouse/nginx req/s %.2fx, p99 %.2fx, CPU/req %.2fx; origin requests per 1000: %.1f vs %.1f"
              " (medians of %d rounds; Gatehouse round-to-round spread %.0f%%)" % (
            phase, g["rps"] / n["rps"], g["p99_us"] / n["p99_us"], g["cpu_us_per_req"] / n["cpu_us_per_req"],
            g["origin_per_1000"], n["origin_per_1000"], len(rows[(phase, "gatehouse")]), spread * 100))
EOF

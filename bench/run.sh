#!/usr/bin/env bash
# Gatehouse vs nginx: the same origin behind each proxy, measured in one run with interleaved
# rounds. See bench/README.md for how to read the numbers.
#
#   bench/run.sh [--quick] [-t THREADS] [-c CONNS] [-d SECS] [-r ROUNDS] [-w WARMUP_SECS] [-p PROCS]
#                [--idle N] [--pin] [--gatehouse-cmd CMD] [--no-install] [--no-build] [--keep-tmp]
#   bench/run.sh --cache      (cache hits against nginx's proxy_cache, and a Zipf key set: bench/cache.sh)
#   bench/run.sh --tls        (HTTPS 1k against nginx with the same certificate; a JWT route: bench/tls.sh)
#   bench/run.sh --reload     (1k with conf.d edited once a second against no reloads: bench/reload.sh)
#
# -p N: N event loops in Gatehouse and N workers in the reference nginx (the origin keeps 1);
# --idle N: N idle keep-alive connections held open to each proxy while measuring; --pin: the
# proxies on one core, wrk and the origin on the other (taskset).
# Every option has an environment twin (THREADS CONNS DURATION ROUNDS WARMUP PROCS IDLE_CONNS PIN ...);
# flags win over the environment. GATEHOUSE_CMD is run by bash from the repo root with $CONF set
# to the generated conf.d directory; default: ./gatehouse run --conf $CONF
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
LIB=$BENCH_DIR/lib
# shellcheck source=lib/nginx.sh
source "$LIB/nginx.sh"

DEFAULT_GATEHOUSE_CMD='./gatehouse run --conf $CONF'
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-30}              # seconds of load on Gatehouse before measuring (split over sizes)
NGINX_WARMUP=${NGINX_WARMUP:-4}   # the same for the reference nginx
SETTLE=${SETTLE:-1}               # pause between two wrk runs
START_TIMEOUT=${START_TIMEOUT:-120}
GATEHOUSE_CMD=${GATEHOUSE_CMD:-$DEFAULT_GATEHOUSE_CMD}
GH_THREADS=${GH_THREADS:-4}
PROCS=${PROCS:-${GH_PROCESSES:-1}}   # Gatehouse's event loops and the reference nginx's workers (GH_PROCESSES: old name)
IDLE_CONNS=${IDLE_CONNS:-0}          # idle keep-alive connections held open to each proxy while measuring
IDLE_KEEPALIVE=${IDLE_KEEPALIVE:-3600}   # with IDLE_CONNS: both proxies' client keep-alive timeout (s)
PIN=${PIN:-0}                        # 1: proxies on PROXY_CPUS, wrk and the origin on LOAD_CPUS (taskset)
PROXY_CPUS=${PROXY_CPUS:-1}
LOAD_CPUS=${LOAD_CPUS:-0}
GH_PORT=${GH_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
ORIGIN_PORT=${ORIGIN_PORT:-18090}
NGINX_ACCESS_LOG=${NGINX_ACCESS_LOG:-0}   # 1: the reference nginx writes an access log too
NGINX_SAME_JOB=${NGINX_SAME_JOB:-0}       # 1: ... and adds Gatehouse's forwarding headers and request id
if ((NGINX_SAME_JOB)); then NGINX_ACCESS_LOG=1; export NGINX_SAME_HEADERS=1; fi
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}
INSTALL=${INSTALL:-1}
BUILD=${BUILD:-auto}
KEEP_TMP=${KEEP_TMP:-0}
MODE=full

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "bench: error: $*" >&2; exit 1; }
say() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

while (($#)); do
    case $1 in
        --quick) MODE=quick; DURATION=3; ROUNDS=3; WARMUP=10; NGINX_WARMUP=2 ;;
        --cache) shift; exec "$BENCH_DIR/cache.sh" "$@" ;; # cache hits against nginx proxy_cache: bench/cache.sh
        --tls) shift; exec "$BENCH_DIR/tls.sh" "$@" ;;     # HTTPS against nginx, and a JWT route: bench/tls.sh
        --reload) shift; exec "$BENCH_DIR/reload.sh" "$@" ;; # a reload every second under load: bench/reload.sh
        -t|--threads) THREADS=$2; shift ;;
        -c|--connections) CONNS=$2; shift ;;
        -d|--duration) DURATION=$2; shift ;;
        -r|--rounds) ROUNDS=$2; shift ;;
        -w|--warmup) WARMUP=$2; shift ;;
        -p|--procs) PROCS=$2; shift ;;
        --idle) IDLE_CONNS=$2; shift ;;
        --pin) PIN=1 ;;
        --gatehouse-cmd) GATEHOUSE_CMD=$2; shift ;;
        --no-install) INSTALL=0 ;;
        --no-build) BUILD=0 ;;
        --keep-tmp) KEEP_TMP=1 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
done
DURATION=${DURATION%s}
WARMUP=${WARMUP%s}
for v in THREADS CONNS DURATION ROUNDS WARMUP NGINX_WARMUP SETTLE START_TIMEOUT GH_THREADS PROCS IDLE_CONNS IDLE_KEEPALIVE PIN; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, got '${!v}'"
done
((DURATION >= 1 && ROUNDS >= 1 && CONNS >= THREADS)) || die "need DURATION>=1, ROUNDS>=1, CONNS>=THREADS"
((PROCS >= 1 && PROCS <= 256)) || die "PROCS must be 1..256, got $PROCS"
GH_PROCESSES=$PROCS
# nginx counts the connections to the origin too; leave room beside the idle ones
NGINX_WORKER_CONNECTIONS=$((IDLE_CONNS + 1024 > 4096 ? IDLE_CONNS + 1024 : 4096))
GH_KEEP_ALIVE=60
if ((IDLE_CONNS)); then
    # the idle connections must outlive the whole run in both proxies
    GH_KEEP_ALIVE=$IDLE_KEEPALIVE
    export NGINX_KEEPALIVE_TIMEOUT=$IDLE_KEEPALIVE
fi
ON_PROXY_CPUS=()
ON_LOAD_CPUS=()
if ((PIN)); then
    command -v taskset >/dev/null || die "PIN=1 needs taskset (util-linux)"
    taskset -c "$PROXY_CPUS" true 2>/dev/null && taskset -c "$LOAD_CPUS" true 2>/dev/null ||
        die "PROXY_CPUS=$PROXY_CPUS or LOAD_CPUS=$LOAD_CPUS is not a CPU list of this machine ($(nproc) CPUs)"
    ON_PROXY_CPUS=(taskset -c "$PROXY_CPUS")
    ON_LOAD_CPUS=(taskset -c "$LOAD_CPUS")
fi

if [[ $GATEHOUSE_CMD == "$DEFAULT_GATEHOUSE_CMD" && ! -x $REPO_DIR/gatehouse ]]; then
    die "no launcher at $REPO_DIR/gatehouse yet; point GATEHOUSE_CMD (or --gatehouse-cmd) at a command that runs Gatehouse with --conf \$CONF"
fi

PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3) || die "python3 is needed"
procs() { "$PY" "$LIB/procs.py" "$@"; }

# ---------------------------------------------------------------- tools
ensure_tools() {
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
    if ((${#missing[@]})); then
        ((INSTALL)) || die "missing ${missing[*]} (and --no-install was given)"
        local sudo=
        [[ $EUID -eq 0 ]] || sudo=sudo
        say "installing ${missing[*]} with apt-get"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    PATH=$PATH:/usr/sbin
    command -v wrk >/dev/null && command -v nginx >/dev/null || die "wrk/nginx still missing"
}
ensure_tools

# ---------------------------------------------------------------- process bookkeeping
TMP=
STARTED_PGIDS=()   # every server is started in its own session; its PID is its process group
SAMPLER_PID=
WATCHDOG_PID=
kill_group() {
    local pg=$1 i
    kill -0 -- "-$pg" 2>/dev/null || return 0
    kill -TERM -- "-$pg" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 -- "-$pg" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL -- "-$pg" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null || true
    local pg
    for pg in "${STARTED_PGIDS[@]}"; do kill_group "$pg"; done
    [[ -n $WATCHDOG_PID ]] && kill "$WATCHDOG_PID" 2>/dev/null || true
    if [[ -n $TMP && -d $TMP ]]; then
        if ((KEEP_TMP)); then say "kept $TMP"; else rm -rf "$TMP"; fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# start_server NAME LOGFILE CMD... : runs CMD in a new session, records its PID in the var NAME_PID
start_server() {
    local name=$1 logf=$2
    shift 2
    setsid "$@" >"$logf" 2>&1 </dev/null &
    local pid=$!
    STARTED_PGIDS+=("$pid")
    echo "$pid" >>"$TMP/pgids"
    printf -v "${name}_PID" '%s' "$pid"
}

# ---------------------------------------------------------------- setup
busy=$(procs portfree "$GH_PORT" "$NGINX_PORT" "$ORIGIN_PORT") ||
    die "port(s) already in use on 127.0.0.1: $busy (stop what listens there, or set GH_PORT/NGINX_PORT/ORIGIN_PORT)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gh-bench.XXXXXX")
chmod 755 "$TMP"
: >"$TMP/pgids"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RESULTS_DIR"
OUT_JSON=$RESULTS_DIR/$STAMP.json
LOGS=$RESULTS_DIR/$STAMP   # wrk outputs and server logs of this run
mkdir -p "$LOGS"

# If this script is killed outright (no trap runs), the watchdog still stops the servers.
(
    trap '' INT
    parent=$$
    while kill -0 "$parent" 2>/dev/null; do sleep 1; done
    while read -r pg; do kill -TERM -- "-$pg" 2>/dev/null || true; done <"$TMP/pgids"
    sleep 3
    while read -r pg; do kill -KILL -- "-$pg" 2>/dev/null || true; done <"$TMP/pgids"
    rm -rf "$TMP"
) </dev/null >/dev/null 2>&1 &
WATCHDOG_PID=$!

wait_ready() {   # wait_ready NAME URL TIMEOUT PID -> prints ms since START_NS
    local name=$1 url=$2 timeout=$3 pid=$4 rc=0
    procs wait "$url" "$START_NS" "$timeout" "$pid" || rc=$?
    case $rc in
        0) ;;
        2) die "$name exited before answering $url; its output: $(tail -n 20 "$LOGS/$name.log" 2>/dev/null)" ;;
        *) die "$name did not answer $url within ${timeout}s; its output: $(tail -n 20 "$LOGS/$name.log" 2>/dev/null)" ;;
    esac
}
check_same() {   # check_same NAME PORT: both files come back byte for byte
    local name=$1 port=$2 f msg
    for f in 1k.bin 100k.bin; do
        msg=$(procs check "http://127.0.0.1:$port/$f" "$TMP/origin/www/$f") || die "$name serves $f wrong: $msg"
    done
}

IDLE_BUSY=$(procs busy 2)
say "machine busy before start: ${IDLE_BUSY}% of $(nproc) cores"
if [[ ${IDLE_BUSY%.*} -ge 10 ]]; then
    say "warning: something else is using the CPU; the numbers will be noisy (see the other% column)"
fi

say "origin nginx on 127.0.0.1:$ORIGIN_PORT"
write_origin_conf "$TMP/origin" "$ORIGIN_PORT"
START_NS=$(date +%s%N)
start_server ORIGIN "$LOGS/origin.log" "${ON_LOAD_CPUS[@]}" nginx -p "$TMP/origin" -c "$TMP/origin/nginx.conf"
wait_ready origin "http://127.0.0.1:$ORIGIN_PORT/1k.bin" 10 "$ORIGIN_PID" >/dev/null
check_same origin "$ORIGIN_PORT"

say "reference nginx on 127.0.0.1:$NGINX_PORT ($PROCS worker(s), worker_connections $NGINX_WORKER_CONNECTIONS)"
if ((NGINX_ACCESS_LOG)); then export NGINX_ACCESS_LOG_PATH=$TMP/nginx/access.log; fi
write_proxy_conf "$TMP/nginx" "$NGINX_PORT" "127.0.0.1:$ORIGIN_PORT" "$PROCS" "$NGINX_WORKER_CONNECTIONS"
START_NS=$(date +%s%N)
start_server NGINX "$LOGS/nginx.log" "${ON_PROXY_CPUS[@]}" nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf"
NGINX_START_MS=$(wait_ready nginx "http://127.0.0.1:$NGINX_PORT/1k.bin" 10 "$NGINX_PID")
check_same nginx "$NGINX_PORT"

# Gatehouse conf.d: one site file (*.conf), request log on, into the temp dir
CONF=$TMP/conf.d
GH_LOG_DIR=$TMP/gh-logs
mkdir -p "$CONF" "$GH_LOG_DIR"
write_gatehouse_conf "$CONF/bench.conf" "$GH_PORT" "$ORIGIN_PORT" "$GH_LOG_DIR" "$GH_PROCESSES" "$GH_THREADS" "$GH_KEEP_ALIVE"
export CONF

if [[ $BUILD == auto && $GATEHOUSE_CMD == "$DEFAULT_GATEHOUSE_CMD" && ! -f $REPO_DIR/admin-console/target/gatehouse.jar ]]; then
    BUILD=1
fi
if [[ $BUILD == 1 ]]; then
    # built before the clock starts, so that the startup time is the server's, not Maven's
    say "building Gatehouse (mvn -q -DskipTests package)"
    (cd "$REPO_DIR" && mvn -q -DskipTests package) >"$LOGS/build.log" 2>&1 ||
        die "build failed; see $LOGS/build.log"
fi

say "Gatehouse on 127.0.0.1:$GH_PORT ($PROCS event loop(s)): $GATEHOUSE_CMD"
START_NS=$(date +%s%N)
start_server GH "$LOGS/gatehouse.log" "${ON_PROXY_CPUS[@]}" bash -c "cd \"\$1\" && exec $GATEHOUSE_CMD" gatehouse "$REPO_DIR"
GH_START_MS=$(wait_ready gatehouse "http://127.0.0.1:$GH_PORT/1k.bin" "$START_TIMEOUT" "$GH_PID")
say "Gatehouse answered ${GH_START_MS} ms after start"
check_same gatehouse "$GH_PORT"
JAVA_PID=$(procs javapid "$GH_PID")
[[ -n $JAVA_PID ]] || say "note: no java process under PID $GH_PID (a stand-in?): no heap figures"

# ---------------------------------------------------------------- load
URL_gatehouse=http://127.0.0.1:$GH_PORT
URL_nginx=http://127.0.0.1:$NGINX_PORT
RUNS=$TMP/runs.jsonl
: >"$RUNS"

wrk_run() {   # wrk_run PROXY SIZE SECS OUTFILE
    local base=URL_$1
    timeout --foreground $(($3 + 30)) "${ON_LOAD_CPUS[@]}" wrk -t"$THREADS" -c"$CONNS" -d"$3"s --latency -s "$LIB/report.lua" \
        "${!base}/$2.bin" >"$4" 2>&1 || die "wrk failed against $1 /$2.bin: $(tail -n 5 "$4")"
}

warm() {   # warm PROXY TOTAL_SECS: half on each size
    local half=$(($2 / 2))
    ((half >= 1)) || return 0
    say "warm-up $1: ${half}s on 1k, ${half}s on 100k"
    wrk_run "$1" 1k "$half" "$LOGS/warmup-$1-1k.txt"
    wrk_run "$1" 100k "$half" "$LOGS/warmup-$1-100k.txt"
}
warm gatehouse "$WARMUP"
warm nginx "$NGINX_WARMUP"

# Idle keep-alive connections to each proxy, opened after the warm-up and held to the end
declare -A IDLE_PID=()
open_idle() {   # open_idle PROXY PORT PROXY_PID
    local p=$1 port=$2 pid=$3 i before
    before=$(procs status "$pid")
    start_server IDLER "$TMP/idle-$p.jsonl" "${ON_LOAD_CPUS[@]}" "$PY" "$LIB/idle.py" "$port" "$IDLE_CONNS" \
        $((ROUNDS * 4 * (DURATION + SETTLE + 5) + 300))
    IDLE_PID[$p]=$IDLER_PID
    for ((i = 0; i < 1200; i++)); do
        grep -q '"opening_done": true' "$TMP/idle-$p.jsonl" 2>/dev/null && break
        kill -0 "$IDLER_PID" 2>/dev/null || die "idle.py against $p ended early: $(tail -n 3 "$TMP/idle-$p.jsonl")"
        sleep 0.1
    done
    sleep 2   # let the proxy settle (its RSS, its idle timers)
    printf '{"before_kib":%s,"open_kib":%s}\n' \
        "$(sed 's/.*"rss_kib": \([0-9]*\).*/\1/' <<<"$before")" \
        "$(procs status "$pid" | sed 's/.*"rss_kib": \([0-9]*\).*/\1/')" >"$TMP/idle-rss-$p.json"
    say "idle connections to $p: $(tail -n 1 "$TMP/idle-$p.jsonl")"
}
close_idle() {   # the final counts, then the helpers end
    local p i
    for p in "${!IDLE_PID[@]}"; do kill -TERM "${IDLE_PID[$p]}" 2>/dev/null || true; done
    for p in "${!IDLE_PID[@]}"; do
        for ((i = 0; i < 50; i++)); do
            grep -q '"final": true' "$TMP/idle-$p.jsonl" 2>/dev/null && break
            sleep 0.1
        done
        say "idle connections to $p at the end: $(tail -n 1 "$TMP/idle-$p.jsonl")"
    done
}
if ((IDLE_CONNS)); then
    say "opening $IDLE_CONNS idle keep-alive connections to each proxy"
    open_idle gatehouse "$GH_PORT" "$GH_PID"
    open_idle nginx "$NGINX_PORT" "$NGINX_PID"
fi

jstat_gc() { [[ -n $JAVA_PID ]] && timeout 20 jstat -gc "$JAVA_PID" 2>/dev/null | tr -s ' ' | sed 's/^ //' || true; }
JSTAT_BEFORE=$(jstat_gc)

# RSS of both proxies, once a second, during the measured rounds only (bounded by time too)
SAMPLE_MAX=$((ROUNDS * 4 * (DURATION + SETTLE + 5) + 60))
"$PY" "$LIB/procs.py" sample "$TMP/rss.jsonl" 1 "$SAMPLE_MAX" gatehouse="$GH_PID" nginx="$NGINX_PID" &
SAMPLER_PID=$!

total=$((ROUNDS * 4))
n=0
for ((round = 1; round <= ROUNDS; round++)); do
    for size in 1k 100k; do
        for proxy in gatehouse nginx; do
            n=$((n + 1))
            out=$LOGS/r$round-$proxy-$size.txt
            before=$(procs snap "$GH_PID" "$NGINX_PID" "$ORIGIN_PID")
            times >"$TMP/times.before"   # CPU of this shell's reaped children: here, wrk
            wrk_run "$proxy" "$size" "$DURATION" "$out"
            times >"$TMP/times.after"
            after=$(procs snap "$GH_PID" "$NGINX_PID" "$ORIGIN_PID")
            w=$(sed -n 's/^WRKJSON //p' "$out")
            [[ -n $w ]] || die "no WRKJSON line in $out"
            printf '{"round":%d,"proxy":"%s","size":"%s","pids":{"gatehouse":"%s","nginx":"%s","origin":"%s"},"before":%s,"after":%s,"children_times":["%s","%s"],"wrk":%s}\n' \
                "$round" "$proxy" "$size" "$GH_PID" "$NGINX_PID" "$ORIGIN_PID" "$before" "$after" \
                "$(tail -n 1 "$TMP/times.before")" "$(tail -n 1 "$TMP/times.after")" "$w" >>"$RUNS"
            say "[$n/$total] round $round $proxy /$size.bin: $(grep -m1 'Requests/sec' "$out" | tr -s ' ')"
            sleep "$SETTLE"
        done
    done
done
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=
((IDLE_CONNS)) && close_idle

# ---------------------------------------------------------------- end-of-run figures
JSTAT_AFTER=$(jstat_gc)
HEAP_INFO=
if [[ -n $JAVA_PID ]]; then
    HEAP_INFO=$(timeout 20 jcmd "$JAVA_PID" GC.heap_info 2>&1 | tail -n +2) || HEAP_INFO="(jcmd failed: $HEAP_INFO)"
fi
GH_STATUS=$(procs status "$GH_PID")
REQLOG_BYTES=$(du -sb "$GH_LOG_DIR" 2>/dev/null | cut -f1)

{
    printf 'stamp=%s\nmode=%s\nthreads=%s\nconns=%s\nduration_s=%s\nrounds=%s\n' \
        "$STAMP" "$MODE" "$THREADS" "$CONNS" "$DURATION" "$ROUNDS"
    printf 'warmup_s=%s\nnginx_warmup_s=%s\nsettle_s=%s\ngh_threads=%s\ngh_processes=%s\n' "$WARMUP" "$NGINX_WARMUP" "$SETTLE" "$GH_THREADS" "$GH_PROCESSES"
    printf 'procs=%s\nnginx_workers=%s\nnginx_worker_connections=%s\norigin_workers=1\n' "$PROCS" "$PROCS" "$NGINX_WORKER_CONNECTIONS"
    printf 'idle_conns=%s\ngh_keep_alive_s=%s\nnginx_keepalive_timeout_s=%s\n' "$IDLE_CONNS" "$GH_KEEP_ALIVE" "${NGINX_KEEPALIVE_TIMEOUT:-65}"
    if ((PIN)); then printf 'pin=1\nproxy_cpus=%s\nload_cpus=%s\n' "$PROXY_CPUS" "$LOAD_CPUS"; else echo pin=0; fi
    printf 'gatehouse_cmd=%s\ngatehouse_startup_ms=%s\nnginx_startup_ms=%s\n' "$GATEHOUSE_CMD" "$GH_START_MS" "$NGINX_START_MS"
    printf 'gatehouse_pid=%s\njava_pid=%s\nnginx_access_log=%s\nnginx_same_job=%s\nrequest_log_dir_bytes=%s\n' "$GH_PID" "$JAVA_PID" "$NGINX_ACCESS_LOG" "$NGINX_SAME_JOB" "$REQLOG_BYTES"
    printf 'busy_before_start_pct=%s\n' "$IDLE_BUSY"
    printf 'clk_tck=%s\nnproc=%s\nkernel=%s\n' "$(getconf CLK_TCK)" "$(nproc)" "$(uname -r)"
    printf 'nginx_version=%s\nwrk_version=%s\n' "$(nginx -v 2>&1 | sed 's/.*\///')" "$(wrk -v 2>&1 | head -1 | cut -d' ' -f2)"
    printf 'java_version=%s\n' "$(java -version 2>&1 | head -1 || true)"
    printf 'git_rev=%s\n' "$(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null || echo unknown)"
    printf 'logs_dir=%s\n' "$LOGS"
} >"$TMP/meta.env"
printf '%s\n' "$JSTAT_BEFORE" >"$TMP/jstat-before.txt"
printf '%s\n' "$JSTAT_AFTER" >"$TMP/jstat-after.txt"
printf '%s\n' "$HEAP_INFO" >"$TMP/heap-info.txt"
printf '%s\n' "$GH_STATUS" >"$TMP/gh-status.json"

"$PY" "$LIB/report.py" "$TMP" "$OUT_JSON"
say "raw results: $OUT_JSON (wrk and server output: $LOGS/)"

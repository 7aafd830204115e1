#!/usr/bin/env bash
# System calls per request, Gatehouse against nginx: the same origin nginx (1 worker) behind
# Gatehouse (1 event loop) and behind the reference nginx (1 worker, as in bench/run.sh); after a
# warm-up of each (Gatehouse's as long as bench/run.sh's), `strace -c -f` is attached to the proxy
# (every thread of the JVM; nginx's worker) during one fixed wrk run, and each system call's count is
# divided by the requests wrk completed.
#
#   bench/syscalls.sh     (env: D=5 REQUESTS= SIZE=1k|100k THREADS=1 CONNS=8 WARMUP=30 GATEHOUSE_JAR)
#
# REQUESTS=N stops sending after N answers, but wrk still waits out D, and the proxy's background
# calls in that idle rest count too: set D about as long as N requests take. strace slows the
# traced proxy several times over, so the req/s printed are not the proxies' speed. Counts include
# what the proxy does besides requests in that time (timers, GC, the request log's flushes, and the
# JIT compiler threads' gettid(2) calls, 0.3-0.4 per request even after the warm-up: no request's).
# Prints the table and writes bench/results/syscalls-<stamp>.json. Needs wrk, nginx and strace.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=lib/nginx.sh
source "$BENCH_DIR/lib/nginx.sh"
# shellcheck source=lib/measure.sh
source "$BENCH_DIR/lib/measure.sh"
[[ ${1:-} == -h || ${1:-} == --help ]] && { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0; }
(($# == 0)) || { echo "syscalls: no arguments; settings come from the environment (see --help)" >&2; exit 2; }
D=${D:-5}; REQUESTS=${REQUESTS:-0}; SIZE=${SIZE:-1k}; THREADS=${THREADS:-1}; CONNS=${CONNS:-8}; WARMUP=${WARMUP:-30}
GH_PORT=${GH_PORT:-18780}; NGINX_PORT=${NGINX_PORT:-18781}; ORIGIN_PORT=${ORIGIN_PORT:-18790}
for v in D REQUESTS THREADS CONNS WARMUP; do
    [[ ${!v} =~ ^[0-9]+$ ]] || { echo "syscalls: $v must be a whole number" >&2; exit 2; }
done
[[ $SIZE == 1k || $SIZE == 100k ]] || { echo "syscalls: SIZE is 1k or 100k" >&2; exit 2; }
((D >= 1 && CONNS >= THREADS)) || { echo "syscalls: need D>=1 and CONNS>=THREADS" >&2; exit 2; }
PATH=$PATH:/usr/sbin
for tool in wrk nginx strace; do
    command -v $tool >/dev/null || { echo "syscalls: needs $tool (apt-get install $tool)" >&2; exit 2; }
done
JAR=${GATEHOUSE_JAR:-$REPO_DIR/admin-console/target/gatehouse.jar}
[[ -f $JAR ]] || (cd "$REPO_DIR" && mvn -B -q -DskipTests package -pl admin-console -am)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gh-syscalls.XXXXXX")
chmod 755 "$TMP"
PIDS=()
STRACE_PID=
cleanup() {
    [[ -n $STRACE_PID ]] && kill -INT "$STRACE_PID" 2>/dev/null || true
    stop_groups "${PIDS[@]}"
    rm -rf "$TMP"
}
trap cleanup EXIT

write_origin_conf "$TMP/origin" "$ORIGIN_PORT"
setsid nginx -p "$TMP/origin" -c "$TMP/origin/nginx.conf" >"$TMP/origin.log" 2>&1 </dev/null &
PIDS+=($!)
write_proxy_conf "$TMP/nginx" "$NGINX_PORT" "127.0.0.1:$ORIGIN_PORT"
setsid nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" >"$TMP/nginx.log" 2>&1 </dev/null &
NGINX=$!
PIDS+=("$NGINX")
mkdir -p "$TMP/conf.d"
write_gatehouse_conf "$TMP/conf.d/bench.conf" "$GH_PORT" "$ORIGIN_PORT" "$TMP/logs"
# shellcheck disable=SC2086 # options are words
setsid java $(gatehouse_java_opts) -jar "$JAR" run --conf "$TMP/conf.d" >"$TMP/gatehouse.log" 2>&1 </dev/null &
GH=$!
PIDS+=("$GH")
for port in "$GH_PORT" "$NGINX_PORT"; do
    for ((i = 0; i < 300; i++)); do
        curl -sf -o /dev/null "http://127.0.0.1:$port/$SIZE.bin" && break
        sleep 0.1
    done
    curl -sf -o /dev/null "http://127.0.0.1:$port/$SIZE.bin" ||
        { echo "syscalls: nothing answers on $port" >&2; tail -20 "$TMP/gatehouse.log" "$TMP/nginx.log" >&2; exit 1; }
done
NGINX_WORKER=$(pgrep -P "$NGINX" | head -1)
[[ -n $NGINX_WORKER ]] || { echo "syscalls: no nginx worker under $NGINX" >&2; exit 1; }

# REQUESTS: each wrk thread stops after its share of answers
cat >"$TMP/limit.lua" <<'LUA'
local limit, seen = 0, 0
init = function(args) limit = tonumber(args[1]) or 0 end
response = function(status, headers, body)
  seen = seen + 1
  if limit > 0 and seen >= limit then wrk.thread:stop() end
end
LUA
per_thread=$(((REQUESTS + THREADS - 1) / THREADS))

echo "warming up: Gatehouse ${WARMUP}s, nginx 2s (not traced) ..." >&2
timeout $((WARMUP + 30)) wrk -t2 -c64 -d"${WARMUP}s" "http://127.0.0.1:$GH_PORT/$SIZE.bin" >/dev/null
timeout 40 wrk -t2 -c64 -d2s "http://127.0.0.1:$NGINX_PORT/$SIZE.bin" >/dev/null

traced_run() {   # traced_run NAME PORT PID: strace -c on PID (all its threads) during one wrk run
    local name=$1 port=$2 pid=$3 i
    strace -c -f -qq -o "$TMP/strace-$name.txt" -p "$pid" 2>"$TMP/strace-$name.err" &
    STRACE_PID=$!
    sleep 1.5   # attached to every thread by now (strace -c prints nothing until it detaches)
    kill -0 "$STRACE_PID" 2>/dev/null || { echo "syscalls: strace failed: $(cat "$TMP/strace-$name.err")" >&2; exit 1; }
    timeout $((D + 60)) wrk -t"$THREADS" -c"$CONNS" -d"${D}s" -s "$TMP/limit.lua" \
        "http://127.0.0.1:$port/$SIZE.bin" -- "$per_thread" >"$TMP/wrk-$name.txt"
    kill -INT "$STRACE_PID"
    for ((i = 0; i < 100; i++)); do kill -0 "$STRACE_PID" 2>/dev/null || break; sleep 0.1; done
    wait "$STRACE_PID" 2>/dev/null || true
    STRACE_PID=
    echo "$name: $(grep -E 'requests in' "$TMP/wrk-$name.txt" | tr -s ' ') (under strace)" >&2
}
traced_run gatehouse "$GH_PORT" "$GH"
sleep 1
traced_run nginx "$NGINX_PORT" "$NGINX_WORKER"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$BENCH_DIR/results"
OUT=$BENCH_DIR/results/syscalls-$STAMP.json
python3 - "$TMP" "$OUT" "$SIZE" "$THREADS" "$CONNS" "$D" "$REQUESTS" <<'PY'
import json, re, sys
tmp, out, size, threads, conns, d, requests = sys.argv[1:]

def requests_of(name):
    m = re.search(r"(\d+) requests in", open(f"{tmp}/wrk-{name}.txt").read())
    return int(m.group(1)) if m else 0

def calls_of(name):
    """strace -c table -> {syscall: calls}; the errors column may be empty."""
    calls = {}
    for ln in open(f"{tmp}/strace-{name}.txt"):
        f = ln.split()
        if len(f) in (5, 6) and re.fullmatch(r"[\d.]+", f[0]) and f[-1] != "total":
            calls[f[-1]] = int(f[3])
    return calls

res = {"meta": {"size": size, "wrk": f"-t{threads} -c{conns} -d{d}s", "requests_limit": int(requests) or None,
                "gatehouse": "1 event loop, request log on", "nginx": "1 worker (traced), no access log"}}
for name in ("gatehouse", "nginx"):
    reqs, calls = requests_of(name), calls_of(name)
    res[name] = {"requests": reqs, "calls": calls,
                 "per_request": {k: round(v / reqs, 3) for k, v in calls.items()} if reqs else {},
                 "total_per_request": round(sum(calls.values()) / reqs, 3) if reqs else None}
with open(out, "w") as f:
    json.dump(res, f, indent=2)
    f.write("\n")
g, n = res["gatehouse"], res["nginx"]
names = sorted(set(g["calls"]) | set(n["calls"]),
               key=lambda k: -max(g["per_request"].get(k, 0), n["per_request"].get(k, 0)))
print(f"\nsystem calls per request, /{size}.bin, wrk -t{threads} -c{conns} -d{d}s under strace -c -f: "
      f"Gatehouse {g['requests']} requests, nginx {n['requests']}")
print(f"{'syscall':<22} {'gatehouse':>10} {'nginx':>10}")
fmt = lambda v: f"{v:10.3f}" if v is not None else f"{'-':>10}"
for k in names:
    a, b = g["per_request"].get(k), n["per_request"].get(k)
    if max(a or 0, b or 0) < 0.001:
        continue
    print(f"{k:<22} {fmt(a)} {fmt(b)}")
print(f"{'total':<22} {fmt(g['total_per_request'])} {fmt(n['total_per_request'])}")
print(f"\nraw: {out}")
PY

#!/usr/bin/env bash
# Start time and resident memory of Gatehouse on the shipped conf.d: N starts of `./gatehouse run`, each
# timed from the moment the launcher is started to the first 200 from the listener (asked every 5 ms),
# with the CPU time it had used by then, and RSS once it answers; prints each start and the median/min/max. Loopback only, bounded.
#
#   bench/start.sh [N]        (env: N=7 PATH_TO_GET=/hc SETTLE=1 START_TIMEOUT=20 POLL=bash|curl
#                              GATEHOUSE_CMD='./gatehouse run --conf $CONF')
#
# The shipped conf.d is copied to a temp dir with its [log] dir moved into that dir; its ports stay as
# shipped (5000), so nothing else may listen on them; www/ is copied beside it. Run from anywhere; the
# command runs in the repo root. The first start of the default command may make
# the class archive (docs/performance.md): it is reported and left out of the figures.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
N=${1:-${N:-7}}
PATH_TO_GET=${PATH_TO_GET:-/hc}
SETTLE=${SETTLE:-1}
POLL=${POLL:-bash}
START_TIMEOUT=${START_TIMEOUT:-20}
GATEHOUSE_CMD=${GATEHOUSE_CMD:-'./gatehouse run --conf $CONF'}
die() { echo "start: error: $*" >&2; exit 1; }
[[ $N =~ ^[0-9]+$ ]] && ((N >= 1 && N <= 50)) || die "N must be 1..50"
command -v curl >/dev/null || die "needs curl"

read -r IP PORT < <(awk -F' *= *' '/^\[server\]/{s=1; next} /^\[/{s=0} s && $1=="ip"{ip=$2} s && $1=="port"{port=$2}
    END {print (ip ? ip : "127.0.0.1"), (port ? port : 80)}' "$ROOT/conf.d/default.conf")
[[ $IP == 127.* ]] || die "the shipped conf.d listens on $IP, not loopback"
URL="http://$IP:$PORT$PATH_TO_GET"
if curl -s -o /dev/null --max-time 1 "http://$IP:$PORT/" 2>/dev/null || ss -ltn 2>/dev/null | grep -q "[:.]$PORT "; then
    die "something already listens on $IP:$PORT"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gh-start.XXXXXX")
SESSION=
stop_gatehouse() {
    [[ -n $SESSION ]] || return 0
    kill -TERM -- "-$SESSION" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 -- "-$SESSION" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL -- "-$SESSION" 2>/dev/null || true
    SESSION=
}
trap 'stop_gatehouse; rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
CONF="$TMP/conf.d"
cp -r "$ROOT/conf.d" "$CONF"
cp -r "$ROOT/www" "$TMP/www" # the shipped routes name www/ next to conf.d
sed -i "s|^dir *=.*|dir = $TMP/logs|" "$CONF"/*.conf
export CONF

# the poll forks only curl: the clock and the 5 ms pause are bash builtins, so that the measuring takes
# little of the CPU the starting JVM needs (2 cores)
NOW=0
# answered: the first 200 came. POLL=bash (default) asks with bash's own /dev/tcp, no process made;
# POLL=curl forks curl every 5 ms, which on 2 cores takes CPU from the starting JVM (~130 ms later here)
answered() {
    if [[ $POLL == curl ]]; then
        curl -sf -o /dev/null --max-time 1 "$URL" 2>/dev/null
        return
    fi
    local fd line
    { exec {fd}<>"/dev/tcp/$IP/$PORT"; } 2>/dev/null || return 1
    printf 'GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$PATH_TO_GET" "$IP" "$PORT" >&"$fd"
    read -r -t 1 -u "$fd" line || line=
    exec {fd}>&-
    [[ $line == "HTTP/1.1 200 "* ]]
}
tick() { NOW=${EPOCHREALTIME/./}; NOW=$((NOW / 1000)); } # NOW: ms since the epoch, without a subshell
exec {pause_fd}<> <(:)
pause() { read -r -t "$1" -u "$pause_fd" || true; }
cpu_ms() { # CPU time (user + system) of the session's processes so far
    local t=0 p c
    for p in $(pgrep -s "$1" 2>/dev/null); do
        c=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || true)
        t=$((t + ${c:-0}))
    done
    echo $((t * 1000 / $(getconf CLK_TCK)))
}
rss_kib() { # the session's processes, summed
    local t=0 p r
    for p in $(pgrep -s "$1" 2>/dev/null); do
        r=$(awk '/^VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || true)
        t=$((t + ${r:-0}))
    done
    echo "$t"
}

archive_note=
jsa="$ROOT/admin-console/target/gatehouse.jsa"
if [[ $GATEHOUSE_CMD == ./gatehouse* && ! -f $jsa ]]; then
    archive_note=" (this start made the class archive: not counted)"
fi
MS=(); CPU=(); RSS=()
for ((run = 0; run <= N; run++)); do
    ((run > 0)) || [[ -n $archive_note ]] || continue
    tick
    t0=$NOW
    (cd "$ROOT" && exec setsid bash -c "exec $GATEHOUSE_CMD" >"$TMP/out.$run" 2>&1 </dev/null) &
    SESSION=$!
    deadline=$((t0 + START_TIMEOUT * 1000))
    while :; do
        answered && break
        kill -0 "$SESSION" 2>/dev/null || { cat "$TMP/out.$run" >&2; die "Gatehouse exited before answering"; }
        tick
        ((NOW < deadline)) || { cat "$TMP/out.$run" >&2; die "no 200 from $URL within $START_TIMEOUT s"; }
        pause 0.005
    done
    tick
    ms=$((NOW - t0))
    cpu=$(cpu_ms "$SESSION")
    sleep "$SETTLE"
    kib=$(rss_kib "$SESSION")
    stop_gatehouse
    if ((run == 0)); then
        printf 'start 0: %5d ms to the first 200 (CPU %5d ms), RSS %4d MiB%s\n' "$ms" "$cpu" $((kib / 1024)) "$archive_note"
        continue
    fi
    printf 'start %d: %5d ms to the first 200 (CPU %5d ms), RSS %4d MiB\n' "$run" "$ms" "$cpu" $((kib / 1024))
    MS+=("$ms"); CPU+=("$cpu"); RSS+=($((kib / 1024)))
done
stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2); printf "median %d  min %d  max %d", m, a[1], a[NR]}'; }
echo "command: $GATEHOUSE_CMD   url: $URL   starts: $N   poll: $POLL every 5 ms"
echo "ms to the first 200:       $(stats "${MS[@]}")"
echo "CPU ms at the first 200:   $(stats "${CPU[@]}")   (user + system, all threads: steadier on a busy machine)"
echo "RSS ${SETTLE} s after (MiB):   $(stats "${RSS[@]}")"

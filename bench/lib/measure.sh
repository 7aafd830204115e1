# shellcheck shell=bash
# Helpers the benchmark scripts share.

# gatehouse_java_opts [--conf DIR]: GATEHOUSE_JAVA_OPTS when set, else the JVM options ./gatehouse gives a start
# on that conf.d (`./gatehouse java-options`: heap, collector, JIT, memory limits), so that a script that runs a jar
# itself measures it as the launcher runs it
gatehouse_java_opts() {
    if [[ -n ${GATEHOUSE_JAVA_OPTS:-} ]]; then
        echo "$GATEHOUSE_JAVA_OPTS"
        return
    fi
    "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/gatehouse" java-options "$@"
}

# stop_groups PGID...: TERM to each process group, a second for them to end, then KILL to what is left
stop_groups() {
    local p
    for p in "$@"; do kill -TERM -- "-$p" 2>/dev/null || true; done
    sleep 1
    for p in "$@"; do kill -KILL -- "-$p" 2>/dev/null || true; done
}

# cpu_ticks PGID: utime+stime (clock ticks) of every process in the process group
cpu_ticks() {
    local t=0 p
    for p in $(pgrep -g "$1"); do
        [[ -r /proc/$p/stat ]] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}

# wait_url URL SECS: until URL answers 2xx (certificates not checked), or die (the caller's) after SECS
wait_url() {
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        curl -skf -o /dev/null "$1" && return 0
        sleep 0.1
    done
    die "nothing answers $1"
}

# wrk_us LATENCY: wrk's latency (850.00us, 1.20ms, 2.00s) in microseconds
wrk_us() {
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else print n * 1000000 }'
}

# wrk_requests OUT: the requests of the run whose `wrk --latency` output is OUT
wrk_requests() {
    awk '/requests in/{print $1}' "$1"
}

# wrk_figures OUT TICKS: "rps=… errors=… p50_us=… p99_us=… cpu_us_per_req=…" of the run whose
# `wrk --latency` output is OUT, while the measured server used TICKS clock ticks of CPU (cpu_ticks
# after minus before); errors are non-2xx answers and socket errors together
wrk_figures() {
    local req rps errs p50 p99
    req=$(wrk_requests "$1")
    rps=$(awk '/Requests\/sec/{print $2}' "$1")
    errs=$(awk '/Non-2xx|Socket errors/{for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i} END {print s + 0}' "$1")
    p50=$(awk '$1 == "50%" {print $2}' "$1")
    p99=$(awk '$1 == "99%" {print $2}' "$1")
    printf 'rps=%s errors=%s p50_us=%s p99_us=%s cpu_us_per_req=%s' "$rps" "$errs" "$(wrk_us "$p50")" "$(wrk_us "$p99")" \
        "$(echo "scale=2; $2 * 1000000 / $(getconf CLK_TCK) / $req" | bc)"
}

# shellcheck shell=bash
# Helpers the benchmark scripts share.

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

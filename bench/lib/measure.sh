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

#!/usr/bin/env bash
# A stand-in for Gatehouse while it cannot run yet: reads the port and the first cluster member
# from the generated conf.d and runs an nginx reverse proxy configured exactly like the reference.
# Usage: GATEHOUSE_CMD='bench/lib/standin-proxy.sh --conf $CONF' bench/run.sh --quick
# (nginx vs nginx: every ratio should come out near 1.0.)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=nginx.sh
source "$here/nginx.sh"
[[ ${1:-} == --conf && -n ${2:-} ]] || { echo "usage: $0 --conf DIR" >&2; exit 2; }
conf=$2
port=$(sed -n 's/^[[:space:]]*port[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$conf"/*.conf | head -1)
member=$(sed -n 's/^[[:space:]]*members[[:space:]]*=[[:space:]]*\([^ ,]*\).*/\1/p' "$conf"/*.conf | head -1)
[[ -n $port && -n $member ]] || { echo "standin: no port or members in $conf" >&2; exit 2; }
# beside the conf dir, so that run.sh's temp-dir cleanup removes it too
prefix=$(cd "$conf/.." && pwd)/standin-nginx
mkdir -p "$prefix"
write_proxy_conf "$prefix" "$port" "$member"
exec nginx -p "$prefix" -c "$prefix/nginx.conf"

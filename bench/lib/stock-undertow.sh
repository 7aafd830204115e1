#!/usr/bin/env bash
# Runs Undertow's stock ProxyHandler in Gatehouse's place, to measure the reference the issue's goal
# names on this machine, in the same run:
#   GATEHOUSE_CMD='bench/lib/stock-undertow.sh --conf $CONF' bench/run.sh
# Reads the port and the first cluster member from the generated conf.d, like standin-proxy.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ ${1:-} == --conf && -n ${2:-} ]] || { echo "usage: $0 --conf DIR" >&2; exit 2; }
conf=$2
port=$(sed -n 's/^[[:space:]]*port[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$conf"/*.conf | head -1)
member=$(sed -n 's/^[[:space:]]*members[[:space:]]*=[[:space:]]*\([^ ,]*\).*/\1/p' "$conf"/*.conf | head -1)
[[ -n $port && -n $member ]] || { echo "stock-undertow: no port or members in $conf" >&2; exit 2; }
jar=$here/../../admin-console/target/gatehouse.jar
[[ -f $jar ]] || { echo "stock-undertow: build first (mvn -DskipTests package)" >&2; exit 2; }
# Undertow and the logging set-up come from gatehouse.jar (StartLogging: INFO to stderr), so both log alike
exec java -Xms64m -Xmx512m -XX:+UseG1GC -cp "$jar" "$here/StockUndertowProxy.java" "$port" "$member"

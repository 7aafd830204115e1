#!/usr/bin/env bash
# HTTPS and token costs, measured in one run with interleaved rounds:
#   https: 1 KiB over TLS 1.3 with keep-alive through Gatehouse and through nginx, the same
#          certificate (an EC P-256 key made here with openssl), the same origin;
#   jwt:   plain HTTP through Gatehouse to a cluster with `roles` (every request carries a valid HS256
#          token, verified and its role checked) against the same Gatehouse's route to the same origin
#          without auth: the ratio is the cost of a verified token per request.
#
#   bench/tls.sh            (env: ROUNDS=3 D=10 CONNS=64 WARMUP=10 GATEHOUSE_JAR=admin-console/target/gatehouse.jar)
#   bench/run.sh --tls      (the same)
#
# Prints one line per run and the medians; raw outputs stay in bench/results/tls-<stamp>/. Needs wrk,
# nginx and openssl. A benchmark, not a test: it fails only on broken plumbing.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=lib/nginx.sh
source "$BENCH_DIR/lib/nginx.sh"
# shellcheck source=lib/measure.sh
source "$BENCH_DIR/lib/measure.sh"
GH_JAVA_OPTS=$(gatehouse_java_opts) # the launcher's (lib/measure.sh)
ROUNDS=${ROUNDS:-3}; D=${D:-10}; CONNS=${CONNS:-64}; WARMUP=${WARMUP:-10}
GATEHOUSE_JAR=${GATEHOUSE_JAR:-$REPO_DIR/admin-console/target/gatehouse.jar}
GH_PORT=${GH_PORT:-18580}; GH_PLAIN_PORT=${GH_PLAIN_PORT:-18582}; NGINX_PORT=${NGINX_PORT:-18581}
ORIGIN_PORT=${ORIGIN_PORT:-18590}
PATH=$PATH:/usr/sbin
die() { echo "tls: $*" >&2; exit 1; }
for t in wrk nginx openssl curl python3 bc; do command -v "$t" >/dev/null || die "needs $t (apt-get install wrk nginx openssl curl bc)"; done
[[ -f $GATEHOUSE_JAR ]] || die "no jar at $GATEHOUSE_JAR (mvn -q -DskipTests package)"
for v in ROUNDS D CONNS WARMUP; do [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number"; done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gh-tls.XXXXXX"); chmod 755 "$TMP"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$BENCH_DIR/results/tls-$STAMP; mkdir -p "$OUT"
PIDS=()
cleanup() {
    stop_groups "${PIDS[@]}"
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One certificate for both proxies: EC P-256, as most sites serve today.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null ||
    die "openssl could not make a certificate"

write_origin_conf "$TMP/origin" "$ORIGIN_PORT"
setsid nginx -p "$TMP/origin" -c "$TMP/origin/nginx.conf" >"$OUT/origin.log" 2>&1 </dev/null &
PIDS+=("$!")
wait_url "http://127.0.0.1:$ORIGIN_PORT/1k.bin" 10

mkdir -p "$TMP/nginx/tmp"
{
    nginx_common "$TMP/nginx"
    echo "http {"
    nginx_http_common "$TMP/nginx"
    cat <<EOF
    upstream origin { server 127.0.0.1:$ORIGIN_PORT; keepalive 64; keepalive_requests 1000000; }
    server {
        listen 127.0.0.1:$NGINX_PORT ssl backlog=4096;
        ssl_certificate $TMP/cert.pem;
        ssl_certificate_key $TMP/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:tls:10m;
        location / {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
} >"$TMP/nginx/nginx.conf"
setsid nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" >"$OUT/nginx.log" 2>&1 </dev/null &
NG=$!; PIDS+=("$NG")

# Gatehouse: the TLS site, and a plain site with an open route and a token-protected one.
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$TMP/conf.d"
cat >"$TMP/conf.d/a-tls.conf" <<EOF
[server]
ip = 127.0.0.1
port = $GH_PORT

[ssl]
enable_ssl = yes
certfile = $TMP/cert.pem
keyfile = $TMP/key.pem

[log]
dir = $TMP/gh-logs

[routes:line]
/ = @origin

[@origin]
members = 127.0.0.1:$ORIGIN_PORT
EOF
cat >"$TMP/conf.d/b-plain.conf" <<EOF
[server]
ip = 127.0.0.1
port = $GH_PLAIN_PORT

[api-gateway]
enable_gateway = yes
authenticate = yes
secret_key = $SECRET

[routes:line]
/open = @origin
/api = @secured

[@secured]
members = 127.0.0.1:$ORIGIN_PORT
roles = bench
EOF
TOKEN=$(python3 - "$SECRET" <<'EOF'
import base64, hashlib, hmac, json, sys, time
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
body = b64(json.dumps({"user": "bench", "roles": ["bench"], "exp": int(time.time()) + 86400}).encode())
sig = b64(hmac.new(sys.argv[1].encode(), (head + "." + body).encode(), hashlib.sha256).digest())
print(head + "." + body + "." + sig)
EOF
)
# The origin serves /open/1k.bin and /api/1k.bin as the same file.
mkdir -p "$TMP/origin/www/open" "$TMP/origin/www/api"
cp "$TMP/origin/www/1k.bin" "$TMP/origin/www/open/1k.bin"
cp "$TMP/origin/www/1k.bin" "$TMP/origin/www/api/1k.bin"

setsid java $GH_JAVA_OPTS -jar "$GATEHOUSE_JAR" \
    run --conf "$TMP/conf.d" >"$OUT/gatehouse.log" 2>&1 </dev/null &
GH=$!; PIDS+=("$GH")
wait_url "https://127.0.0.1:$NGINX_PORT/1k.bin" 10
wait_url "https://127.0.0.1:$GH_PORT/1k.bin" 60
[[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GH_PLAIN_PORT/api/1k.bin") == 401 ]] ||
    die "the protected route answers without a token: is the token stage on?"
[[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$GH_PLAIN_PORT/api/1k.bin") == 200 ]] ||
    die "the protected route refuses the bench token"
for p in nginx gatehouse; do
    proto=$(curl -sk -o /dev/null -w '%{scheme} %{http_version}' --tlsv1.3 --http1.1 "https://127.0.0.1:$([[ $p == nginx ]] && echo $NGINX_PORT || echo $GH_PORT)/1k.bin")
    echo "$p answers over TLS 1.3: $proto" >&2
done

url_of() {
    case $1 in
        nginx-https) echo "https://127.0.0.1:$NGINX_PORT/1k.bin" ;;
        gatehouse-https) echo "https://127.0.0.1:$GH_PORT/1k.bin" ;;
        gatehouse-open) echo "http://127.0.0.1:$GH_PLAIN_PORT/open/1k.bin" ;;
        gatehouse-jwt) echo "http://127.0.0.1:$GH_PLAIN_PORT/api/1k.bin" ;;
    esac
}
pid_of() { if [[ $1 == nginx-* ]]; then echo "$NG"; else echo "$GH"; fi; }
header_of() { if [[ $1 == gatehouse-jwt ]]; then echo "Authorization: Bearer $TOKEN"; else echo "X-Bench: 1"; fi; }
for t in gatehouse-https nginx-https gatehouse-open gatehouse-jwt; do
    timeout $((WARMUP + 30)) wrk -t2 -c"$CONNS" -d"${WARMUP}s" -H "$(header_of $t)" "$(url_of $t)" >/dev/null
done

run() { # ROUND TARGET
    local out=$OUT/r$1-$2.txt pid c0 c1
    pid=$(pid_of "$2")
    c0=$(cpu_ticks "$pid")
    timeout $((D + 30)) wrk -t2 -c"$CONNS" -d"${D}s" --latency -H "$(header_of "$2")" "$(url_of "$2")" \
        >"$out" 2>&1 || die "wrk failed against $2: $(tail -n 3 "$out")"
    c1=$(cpu_ticks "$pid")
    printf '%s %s %s\n' "$1" "$2" "$(wrk_figures "$out" $((c1 - c0)))"
}
for ((r = 1; r <= ROUNDS; r++)); do
    for t in gatehouse-https nginx-https gatehouse-open gatehouse-jwt; do run "$r" "$t"; done
done | tee "$OUT/runs.txt"

python3 - "$OUT/runs.txt" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    rows.setdefault(f[1], []).append({k: float(v) for k, v in (x.split("=") for x in f[2:])})
print()
print("%-16s %10s %7s %8s %8s %10s" % ("target", "req/s", "errors", "p50 ms", "p99 ms", "CPU us/req"))
med = {}
for t, rs in rows.items():
    m = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
    med[t] = m
    print("%-16s %10.0f %7.0f %8.2f %8.2f %10.1f" % (t, m["rps"], m["errors"], m["p50_us"] / 1000, m["p99_us"] / 1000,
                                                     m["cpu_us_per_req"]))
def spread(t):
    v = [r["rps"] for r in rows[t]]
    return (max(v) / min(v) - 1) * 100
def ratio(a, b, what):
    g, n = med[a], med[b]
    print("%s: req/s %.2fx, p99 %.2fx, CPU/req %.2fx (medians of %d rounds; spread %.0f%% / %.0f%%)" % (
        what, g["rps"] / n["rps"], g["p99_us"] / n["p99_us"], g["cpu_us_per_req"] / n["cpu_us_per_req"],
        len(rows[a]), spread(a), spread(b)))
ratio("gatehouse-https", "nginx-https", "HTTPS 1k, Gatehouse / nginx")
ratio("gatehouse-jwt", "gatehouse-open", "JWT route / same route without auth (Gatehouse)")
print("CPU per request added by a verified token: %.1f us" % (med["gatehouse-jwt"]["cpu_us_per_req"]
                                                           - med["gatehouse-open"]["cpu_us_per_req"]))
EOF

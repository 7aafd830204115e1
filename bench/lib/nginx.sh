# shellcheck shell=bash
# Configurations for the benchmark: the origin and the reference proxy (nginx), and Gatehouse's site.
# Each instance gets its own prefix directory (conf, pid, logs, temp paths) and runs in the
# foreground (daemon off), one worker unless told otherwise, so its master PID is the PID that was
# started and its workers are that PID's children.

# nginx_common PREFIX [WORKERS] [WORKER_CONNECTIONS] -> the top of nginx.conf shared by both roles
# (defaults: 1 worker, 4096 connections each; more than 4096 also raises worker_rlimit_nofile)
nginx_common() {
    local prefix=$1 workers=${2:-1} conns=${3:-4096}
    # As root the workers would drop to "nobody", who may not read a 0700 temp dir.
    if [[ $EUID -eq 0 ]]; then echo "user root root;"; fi
    cat <<EOF
daemon off;
master_process on;
worker_processes $workers;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;
events { worker_connections $conns; }
EOF
    if ((conns > 4096)); then echo "worker_rlimit_nofile $((2 * conns));"; fi
}

nginx_http_common() {
    local prefix=$1
    cat <<EOF
    access_log ${NGINX_ACCESS_LOG_PATH:-off};
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout ${NGINX_KEEPALIVE_TIMEOUT:-65};
    keepalive_requests 1000000;
    client_body_temp_path $prefix/tmp/body;
    proxy_temp_path $prefix/tmp/proxy;
    fastcgi_temp_path $prefix/tmp/fastcgi;
    uwsgi_temp_path $prefix/tmp/uwsgi;
    scgi_temp_path $prefix/tmp/scgi;
    types { application/octet-stream bin; }
    default_type application/octet-stream;
EOF
}

# The headers Gatehouse adds to every request (and X-Request-ID to every answer), when asked for.
nginx_same_headers() {
    ((${NGINX_SAME_HEADERS:-0})) || return 0
    cat <<'CONF'
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_set_header Via "1.1 nginx";
            proxy_set_header X-Request-ID $request_id;
            add_header X-Request-ID $request_id;
CONF
}

# write_origin_conf PREFIX PORT: serves PREFIX/www (1k.bin, 100k.bin are made here)
write_origin_conf() {
    local prefix=$1 port=$2
    mkdir -p "$prefix/www" "$prefix/tmp"
    head -c 1024 /dev/urandom > "$prefix/www/1k.bin"
    head -c 102400 /dev/urandom > "$prefix/www/100k.bin"
    {
        nginx_common "$prefix"
        echo "http {"
        NGINX_ACCESS_LOG_PATH=off NGINX_KEEPALIVE_TIMEOUT=65 nginx_http_common "$prefix"
        cat <<EOF
    server {
        listen 127.0.0.1:$port backlog=4096;
        root $prefix/www;
        location / { }
    }
}
EOF
    } > "$prefix/nginx.conf"
}

# write_gatehouse_conf FILE PORT ORIGIN_PORT LOG_DIR [PROCESSES] [THREADS] [KEEP_ALIVE]: Gatehouse's
# site for the benchmark, port -> the origin on 127.0.0.1, request log on (defaults 1, 4, 60)
write_gatehouse_conf() {
    cat >"$1" <<EOF
[server]
ip = 127.0.0.1
port = $2
threads = ${6:-4}
processes = ${5:-1}

[tunefactors]
response_timeout = 10
keep_alive = ${7:-60}

[log]
dir = $4

[routes:line]
/ = @origin

[@origin]
members = 127.0.0.1:$3
EOF
}

# write_proxy_conf PREFIX PORT UPSTREAM_HOSTPORT [WORKERS] [WORKER_CONNECTIONS]: the reference
# reverse proxy (default 1 worker, 4096 connections each).
# NGINX_ACCESS_LOG_PATH (default off) may name a log file to make it log like Gatehouse does;
# NGINX_SAME_HEADERS=1 makes it add the forwarding headers and request id Gatehouse adds;
# NGINX_KEEPALIVE_TIMEOUT (default 65) is its client keepalive_timeout in seconds.
write_proxy_conf() {
    local prefix=$1 port=$2 upstream=$3 workers=${4:-1} conns=${5:-4096}
    mkdir -p "$prefix/tmp"
    {
        nginx_common "$prefix" "$workers" "$conns"
        echo "http {"
        nginx_http_common "$prefix"
        cat <<EOF
    upstream origin {
        server $upstream;
        keepalive 64;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$port backlog=4096;
        location / {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
$(nginx_same_headers)
            # stream what does not fit the buffers instead of spooling it to a temp file
            proxy_max_temp_file_size 0;
        }
    }
}
EOF
    } > "$prefix/nginx.conf"
}

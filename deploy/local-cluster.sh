#!/usr/bin/env bash
# Starts the docker-compose topology on this machine without Docker, all on loopback:
# redis-server (append-only persistence), three silos, and Debian's nginx in front.
#   ./deploy/local-cluster.sh              nginx on http://127.0.0.1:8080 (PORT=… to change)
# Stops everything on Ctrl-C / SIGTERM: the silos first (they end their streams with a retry:
# hint, through nginx), then nginx, then Redis. A silo that dies is reported and the others keep
# serving (try failover: kill one); the cluster stops when Redis or nginx dies, or every silo.
# nginx proxies as deploy/nginx/docker.conf says (its location blocks are copied), so what nginx
# refuses itself (a body over 1 MB, no silo reachable) gets a JSON problem body like the silo's.
# State lives in .run/cluster; --clean removes it first (Redis's append-only file with it, so
# history, memberships and the id epoch start afresh).
# Environment: PORT, REDIS_PORT, SILO_BASE_PORT (three consecutive ports), RUN_DIR, and
# SILO_DLL (run this silo build instead of building src/OrleansSse.Silo in Release).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# Debian installs nginx in /usr/sbin, which is not on a normal user's PATH.
export PATH="$PATH:/usr/sbin:/sbin"

port=${PORT:-8080}
redis_port=${REDIS_PORT:-6390}
silo_base=${SILO_BASE_PORT:-5101}
run=${RUN_DIR:-$root/.run/cluster}
[ "${1:-}" = "--clean" ] && rm -rf "$run"
mkdir -p "$run"/nginx

for tool in redis-server redis-cli nginx curl setsid; do
  command -v $tool >/dev/null || { echo "$tool is missing: apt-get install -y redis-server nginx curl" >&2; exit 1; }
done

redis_pid=""
nginx_pid=""
silo_pids=() # silo i+1 at index i
running=()   # the silos not yet seen to exit: only these are signalled (an exited pid may be reused)
# Stops the silos first and waits for them, at most 20 s before killing what is left: a silo
# drains its streams (a retry: hint each, which must still pass nginx) and may still talk to
# Redis while it exits. Then nginx, then Redis.
stop_all() { # pids...
  [ $# -gt 0 ] || return 0
  kill "$@" 2>/dev/null || true
  for _ in $(seq 1 200); do
    local alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && return 0
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
}
cleanup() {
  trap - EXIT
  trap '' INT TERM # a second Ctrl-C must not leave Redis behind; this takes 40 s at most
  stop_all "${running[@]}"
  [ -n "$nginx_pid" ] && stop_all "$nginx_pid"
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_for() { # url, what
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$2 did not come up ($1)" >&2; exit 1
}

if [ -n "${SILO_DLL:-}" ]; then
  silo_dll=$SILO_DLL
else
  echo "building the silo (Release)…"
  # `dotnet build` always prints its "Build succeeded" summary; msbuild prints only errors here.
  dotnet msbuild src/OrleansSse.Silo/OrleansSse.Silo.csproj -restore -p:Configuration=Release \
    -nologo -v:quiet -tl:off "-clp:NoSummary;ErrorsOnly"
  silo_dll=$root/src/OrleansSse.Silo/bin/Release/net10.0/OrleansSse.Silo.dll
fi

# Small stream nodes: most client streams hold a few events, and Redis 7 sizes a new stream's
# first node at stream-node-max-bytes (4096 by default: ~4.4 KB per one-event stream, ~0.8 KB at 512).
# Its own session: Ctrl-C in a terminal signals the whole foreground process group at once, and
# Redis must outlive the silos (cleanup stops it last).
setsid redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$run" --appendonly yes \
  --save "" --stream-node-max-bytes 512 --daemonize no --logfile "$run/redis.log" &
redis_pid=$!
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

upstreams=""
for i in 1 2 3; do
  silo_port=$((silo_base + i - 1))
  DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x400000} \
  OrleansSse__SiloName=silo$i OrleansSse__Backplane__Redis=127.0.0.1:$redis_port \
    dotnet "$silo_dll" --config "$root/silo.json" --urls "http://127.0.0.1:$silo_port" \
    >"$run/silo$i.log" 2>&1 &
  silo_pids+=($!)
  running+=($!)
  upstreams+="    server 127.0.0.1:$silo_port max_fails=1 fail_timeout=5s;"$'\n'
done

cat >"$run/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $run/nginx/nginx.pid;
error_log $run/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $run/nginx/body;
  proxy_temp_path $run/nginx/proxy;
  fastcgi_temp_path $run/nginx/fastcgi;
  uwsgi_temp_path $run/nginx/uwsgi;
  scgi_temp_path $run/nginx/scgi;
  upstream orleanssse {
$upstreams    keepalive 64;
  }
  server {
    listen 127.0.0.1:$port;
$(sed -n '/^  location /,/^  }/p' deploy/nginx/docker.conf)
  }
}
CONF
nginx -p "$run/nginx" -c "$run/nginx/nginx.conf" &
nginx_pid=$!

for i in 1 2 3; do wait_for "http://127.0.0.1:$((silo_base + i - 1))/healthz" "silo$i"; done
wait_for "http://127.0.0.1:$port/healthz" "nginx"
echo "cluster up: http://127.0.0.1:$port (silos on $silo_base-$((silo_base + 2)), redis on $redis_port, logs in $run)"
# Runs until Redis, nginx or the last silo exits; a silo that exits alone is reported.
while true; do
  wait -n "$redis_pid" "$nginx_pid" "${running[@]}" || true
  kill -0 "$redis_pid" 2>/dev/null || { echo "redis-server exited (see $run/redis.log); stopping the rest" >&2; exit 1; }
  kill -0 "$nginx_pid" 2>/dev/null || { echo "nginx exited (see $run/nginx/error.log); stopping the rest" >&2; exit 1; }
  still=()
  for i in "${!silo_pids[@]}"; do
    pid=${silo_pids[$i]}
    if kill -0 "$pid" 2>/dev/null; then
      still+=("$pid")
    elif [[ " ${running[*]} " == *" $pid "* ]]; then
      echo "silo$((i + 1)) exited (see $run/silo$((i + 1)).log); the others keep serving" >&2
    fi
  done
  running=("${still[@]}")
  [ ${#running[@]} -gt 0 ] || { echo "every silo exited; stopping the rest" >&2; exit 1; }
done

#!/usr/bin/env bash
# Runs the OrleansSse benchmarks: the broker and the baseline side by side, same load, one
# after the other, each in a fresh process (warmed up first) per scenario.
#
#   bench/run.sh            full suite (idle 1k/5k/10k, broadcast 10k x 10/s and flat out,
#                           broadcast 1k x 50/s, targeted 1k x 20/s, cross-silo on Redis); ~15 min
#   bench/run.sh --quick    small numbers, both systems in one process each; ~1 min
#   bench/run.sh idle-10k broadcast-10k-max    only the named scenarios
#
# Results: bench/results/<time>/<scenario>-<system>.json and results.md (a markdown table for
# bench/RESULTS.md). Variables:
#   BROKER_CMD    command starting the broker (gets --urls); default the Release silo dll as shipped
#   BASELINE_CMD  command starting the baseline (gets --urls)
#   SYSTEMS       "broker baseline" (default); either one alone works
#   OUT           output directory
#   REDIS_SERVER  redis-server binary for the cross-silo scenario (default /usr/bin/redis-server)
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
[[ "${1:-}" == "--quick" ]] && { QUICK=1; shift; }
ONLY=" $* "
wanted() { [[ "$ONLY" == "  " || "$ONLY" == *" $1 "* ]]; }
# The silo as shipped: its launchers (launchSettings.json, Dockerfile, deploy/local-cluster.sh)
# set the GC's gen0 budget, which the runtime reads from the environment only.
BROKER_CMD=${BROKER_CMD:-"env DOTNET_GCgen0size=0x400000 dotnet src/OrleansSse.Silo/bin/Release/net10.0/OrleansSse.Silo.dll"}
BASELINE_CMD=${BASELINE_CMD:-"dotnet bench/OrleansSse.Baseline/bin/Release/net10.0/OrleansSse.Baseline.dll"}
SYSTEMS=${SYSTEMS:-"broker baseline"}
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
OUT=${OUT:-bench/results/$(date +%Y%m%d-%H%M%S)}
LOADGEN="dotnet bench/OrleansSse.LoadGen/bin/Release/net10.0/OrleansSse.LoadGen.dll"
mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)"   # 10k connections need > 10k descriptors in the silo and here

# The broker's own limits must not be what is measured.
export OrleansSse__Limits__MaxConnections=100000 OrleansSse__Limits__MaxConnectionsPerIp=100000
# The load generator publishes from one address far past the default per-publisher rate limit.
export OrleansSse__Limits__PublishEventsPerSecond=0
export Logging__LogLevel__Default=Warning

echo "building (Release)..."
dotnet build bench/OrleansSse.LoadGen -c Release -v q -nologo >/dev/null
dotnet build bench/OrleansSse.Baseline -c Release -v q -nologo >/dev/null
if [[ " $SYSTEMS " == *" broker "* && -f src/OrleansSse.Silo/OrleansSse.Silo.csproj ]]; then
  dotnet build src/OrleansSse.Silo -c Release -v q -nologo >/dev/null
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

declare -A PID URL
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# start <name> <command...>: starts a server on a free port, waits for /healthz.
start() {
  local name=$1; shift
  local port; port=$(free_port)
  "$@" --urls "http://127.0.0.1:$port" >"$OUT/$name.log" 2>&1 &
  PID[$name]=$!; PIDS+=($!); URL[$name]="http://127.0.0.1:$port"
  for _ in $(seq 1 150); do
    curl -sf "${URL[$name]}/healthz" >/dev/null && return 0
    kill -0 "${PID[$name]}" 2>/dev/null || { echo "$name failed to start, see $OUT/$name.log"; exit 1; }
    sleep 0.2
  done
  echo "$name did not become healthy"; exit 1
}
stop() { kill "${PID[$1]}" 2>/dev/null || true; wait "${PID[$1]}" 2>/dev/null || true; }
warm() { $LOADGEN broadcast --url "${URL[$1]}" -n 100 --rate 200 --duration 2 --drain 2 >/dev/null 2>&1 || true; }
cmd_of() { if [[ $1 == broker ]]; then echo "$BROKER_CMD"; else echo "$BASELINE_CMD"; fi; }

RESULTS=()
# scenario <name> <loadgen args...>: runs the same load against every system.
scenario() {
  local name=$1; shift
  wanted "$name" || return 0
  for sys in $SYSTEMS; do
    if [[ $QUICK == 0 ]]; then start "$sys" $(cmd_of "$sys"); warm "$sys"; fi
    echo "== $name on $sys"
    $LOADGEN "$@" --url "${URL[$sys]}" --pid "${PID[$sys]}" --label "$sys" --json >"$OUT/$name-$sys.json"
    RESULTS+=("$OUT/$name-$sys.json")
    if [[ $QUICK == 0 ]]; then stop "$sys"; fi
  done
}

# cross_silo <name> <loadgen args...>: two brokers on one redis-server; subscribers on B,
# publishes on A; the same load on one silo of that cluster for the single-silo reference.
cross_silo() {
  local name=$1; shift
  wanted "$name" || return 0
  [[ " $SYSTEMS " == *" broker "* && -x $REDIS_SERVER ]] || { echo "skipping $name (needs the broker and redis-server)"; return 0; }
  local rport; rport=$(free_port)
  $REDIS_SERVER --port "$rport" --bind 127.0.0.1 --save '' --appendonly no >"$OUT/redis.log" 2>&1 &
  local rpid=$!; PIDS+=($rpid)
  export OrleansSse__Backplane__Kind=Redis OrleansSse__Backplane__Redis="127.0.0.1:$rport"
  export OrleansSse__SiloName=A; start siloA $BROKER_CMD
  export OrleansSse__SiloName=B; start siloB $BROKER_CMD
  unset OrleansSse__SiloName
  warm siloA; warm siloB
  echo "== $name single silo on Redis"
  $LOADGEN "$@" --url "${URL[siloA]}" --pid "${PID[siloA]}" --label "broker-redis-1silo" --json >"$OUT/$name-1silo.json"
  echo "== $name cross-silo (subscribe on B, publish on A)"
  $LOADGEN "$@" --url "${URL[siloB]}" --publish-url "${URL[siloA]}" --pid "${PID[siloA]},${PID[siloB]}" \
    --label "broker-redis-cross" --json >"$OUT/$name-cross.json"
  RESULTS+=("$OUT/$name-1silo.json" "$OUT/$name-cross.json")
  stop siloA; stop siloB; kill "$rpid"; wait "$rpid" 2>/dev/null || true
  unset OrleansSse__Backplane__Kind OrleansSse__Backplane__Redis
}

if [[ $QUICK == 1 ]]; then
  for sys in $SYSTEMS; do start "$sys" $(cmd_of "$sys"); warm "$sys"; done
  scenario idle-500          idle      -n 500  --hold 2
  scenario broadcast-500x20  broadcast -n 500  --rate 20 --duration 5
  scenario targeted-200x20   targeted  -n 200  --rate 20 --duration 5 --workers 64
else
  scenario idle-1k           idle      -n 1000  --hold 5
  scenario idle-5k           idle      -n 5000  --hold 5
  scenario idle-10k          idle      -n 10000 --hold 5
  scenario broadcast-1kx50   broadcast -n 1000  --rate 50 --duration 20
  scenario broadcast-10kx10  broadcast -n 10000 --rate 10 --duration 20
  scenario broadcast-10k-max broadcast -n 10000 --rate 0  --duration 20
  scenario targeted-1kx20    targeted  -n 1000  --rate 20 --duration 20 --workers 64
  cross_silo cross-1kx20     targeted  -n 1000  --rate 20 --duration 20 --workers 64
fi

$LOADGEN report "${RESULTS[@]}" | tee "$OUT/results.md"
echo "results: $OUT"

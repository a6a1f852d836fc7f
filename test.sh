#!/usr/bin/env bash
# Runs the whole OrleansSse test suite on a fresh Debian machine with the .NET SDK:
# installs what the tests need when it is missing (redis-server, nginx, chromium, curl), builds,
# runs every test project, and prints "N passed, N failed[, N skipped]" as its last line; exits 1
# on any failure. A project counts as failed when a test fails, when its test host crashes or is
# killed (dotnet test exits non-zero, or its results say Failed), or when no test ran.
# A test that runs longer than TEST_HANG_TIMEOUT (3m) is named and its project's test host killed;
# a project gets at most 10 minutes, and the whole run TEST_BUDGET_SECONDS (720 s, counted from the
# end of package installation, build included): projects not started by then count as failed. Each project runs in a session of its own, which
# is stopped (SIGTERM, then SIGKILL) once the project ends, so nothing a crashed test host started
# (redis-server, silos, nginx) outlives it. On failure the trx files and logs are kept in
# artifacts/test-results/.
set -uo pipefail
cd "$(dirname "$0")"
# Debian installs nginx (and other daemons) in /usr/sbin, which is not on a normal user's PATH.
export PATH="$PATH:/usr/sbin:/sbin"
budget=${TEST_BUDGET_SECONDS:-720}
hang_timeout=${TEST_HANG_TIMEOUT:-3m}
# No build server or compiler server outlives the run (MSBuild node reuse, VBCSCompiler).
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false

give_up() { echo "$1"; echo "0 passed, 1 failed"; exit 1; }

# The fixtures start /usr/bin/redis-server and /usr/bin/chromium by path; deploy/local-cluster.sh
# finds redis-server, redis-cli, nginx and curl on PATH.
need=()
[ -x /usr/bin/redis-server ] && command -v redis-cli >/dev/null 2>&1 || need+=(redis-server)
command -v nginx >/dev/null 2>&1 || need+=(nginx)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v curl >/dev/null 2>&1 || need+=(curl)
# pgrep and ps stop each project's session (below).
command -v pgrep >/dev/null 2>&1 && command -v ps >/dev/null 2>&1 || need+=(procps)
if [ ${#need[@]} -gt 0 ]; then
  by_hand="apt-get update && apt-get install -y ${need[*]}"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || give_up "missing ${need[*]}, and no sudo to install them; as root run: $by_hand"
    sudo=(sudo -n) # never prompt: CI has no terminal
  fi
  echo "installing: ${need[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null ||
    give_up "installing ${need[*]} failed (sudo -n needs password-less sudo); as root run: $by_hand"
fi
for binary in /usr/bin/redis-server /usr/bin/chromium; do
  [ -x "$binary" ] || give_up "$binary is missing: the test fixtures start it by that path"
done
command -v pgrep >/dev/null 2>&1 || give_up "pgrep is missing: install procps"
# The distribution's own redis service is not used: tests start their own on free ports.

SECONDS=0 # the budget starts here
if ! dotnet build OrleansSse.sln -c Release -nologo -v quiet -clp:ErrorsOnly -nodeReuse:false; then
  give_up "build failed"
fi

results=$(mktemp -d)
rm -rf artifacts/test-results # a previous run's
session=""
# Stops every process of the running project's session: SIGTERM first (a silo drains, the
# local cluster script's trap stops the Redis and nginx it started in sessions of their own),
# SIGKILL for whatever is left after 25 s. Only processes of that session are signalled.
stop_session() {
  [ -n "$session" ] || return 0
  local pids
  pids=$(pgrep -s "$session") || { session=""; return 0; }
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null
  for _ in $(seq 1 250); do
    pgrep -s "$session" >/dev/null || { session=""; return 0; }
    sleep 0.1
  done
  pids=$(pgrep -s "$session") && echo "killing what the test run left behind: $(ps -o pid=,comm= -p "${pids//$'\n'/,}" | xargs)"
  # shellcheck disable=SC2086
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  session=""
}
sidfile=/dev/null
trap 'session=$(cat "$sidfile" 2>/dev/null); stop_session; echo "interrupted"; echo "0 passed, 1 failed"; exit 1' INT TERM

passed=0; failed=0; skipped=0; status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  left=$((budget - SECONDS))
  if [ "$left" -lt 60 ]; then
    echo "$name: not run, the ${budget} s budget is spent"; failed=$((failed + 1)); status=1; continue
  fi
  limit=$((left < 600 ? left : 600))
  echo "== $name"
  log="$results/$name.log"
  trx="$results/$name.trx"
  # setsid -w: the project runs in a new session whose id is the pid that bash writes before it
  # becomes `timeout`; everything the test host starts (and does not move to a session of its
  # own) stays in it, even after the test host dies. In the background, so that a SIGTERM to
  # this script is handled at once (the trap stops the session).
  sidfile="$results/$name.sid"
  (
    setsid -w bash -c 'echo $$ >"$0"; exec "$@"' "$sidfile" \
      timeout -k 30 "$limit" dotnet test "$project" -c Release --no-build -nologo \
      --blame-hang-timeout "$hang_timeout" --blame-hang-dump-type none \
      --logger "console;verbosity=minimal" --logger "trx;LogFileName=$name.trx" \
      --results-directory "$results" 2>&1 | tee "$log" |
      grep -vE "^\s*$|^Data collector 'Blame' message: All tests finished running"
    exit "${PIPESTATUS[0]}"
  ) </dev/null &
  wait $!
  rc=$?
  session=$(cat "$sidfile" 2>/dev/null)
  stop_session

  counters=$(grep -o '<Counters [^>]*>' "$trx" 2>/dev/null | head -n 1)
  outcome=$(grep -o '<ResultSummary outcome="[A-Za-z]*"' "$trx" 2>/dev/null | head -n 1 | sed -E 's/.*"(.*)"/\1/')
  count() { sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p" <<<"$counters"; }
  p=$(count passed); f=$(count failed); total=$(count total); executed=$(count executed)
  p=${p:-0}; f=${f:-0}; total=${total:-0}; executed=${executed:-0}
  s=$((total - executed))
  # Tests that did not pass or fail (aborted, timed out) count as failed.
  other=$((executed - p - f)); [ "$other" -gt 0 ] && f=$((f + other))
  problem=""
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then problem="killed after ${limit} s (exit $rc)"
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then problem="test run aborted (exit $rc, outcome ${outcome:-none}, $total tests counted)"
  elif [ -z "$counters" ]; then problem="wrote no results"
  elif [ "$total" -eq 0 ]; then problem="ran no tests"
  elif [ "$outcome" = "Failed" ] && [ "$f" -eq 0 ]; then problem="test run aborted (outcome Failed)"
  fi
  if [ -n "$problem" ]; then
    echo "$name: $problem"; f=$((f + 1))
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  [ "$f" -gt 0 ] && status=1
done

if [ "$status" -ne 0 ]; then
  rm -rf artifacts/test-results && mkdir -p artifacts && mv "$results" artifacts/test-results &&
    echo "test results and logs kept in $PWD/artifacts/test-results"
else
  rm -rf "$results"
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
exit $status

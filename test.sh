#!/usr/bin/env bash
# Runs the whole OrleansSse test suite on a fresh Debian machine with the .NET SDK:
# installs what the tests need when it is missing (redis-server, nginx, chromium, curl), builds,
# runs every test project, and prints "N passed, N failed[, N skipped]" as its last line.
set -uo pipefail
cd "$(dirname "$0")"
# Debian installs nginx (and other daemons) in /usr/sbin, which is not on a normal user's PATH.
export PATH="$PATH:/usr/sbin:/sbin"

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${need[*]}"
  $sudo apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null || {
    echo "apt-get install ${need[*]} failed"; echo "0 passed, 1 failed"; exit 1; }
fi
# The distribution's own redis service is not used: tests start their own on free ports.

if ! dotnet build OrleansSse.sln -c Release -nologo -v quiet -clp:ErrorsOnly; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

passed=0; failed=0; skipped=0; status=0
results=$(mktemp -d)
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  log="$results/$name.log"
  timeout 900 dotnet test "$project" -c Release --no-build -nologo \
    --logger "console;verbosity=minimal" --logger "trx;LogFileName=$name.trx" \
    --results-directory "$results" 2>&1 | tee "$log" | grep -vE '^\s*$' || true
  counters=$(grep -o '<Counters [^>]*>' "$results/$name.trx" 2>/dev/null | head -n 1)
  if [ -z "$counters" ]; then
    echo "$name did not report results (crashed or timed out)"; failed=$((failed + 1)); status=1; continue
  fi
  count() { sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p" <<<"$counters"; }
  p=$(count passed); f=$(count failed); total=$(count total); executed=$(count executed)
  s=$((total - executed))
  # Tests that did not pass or fail (aborted, timed out) count as failed.
  other=$((executed - p - f)); [ "$other" -gt 0 ] && f=$((f + other))
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  [ "$f" -gt 0 ] && status=1
done
rm -rf "$results"

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
exit $status

#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need (Debian's Chromium for the
# browser tests, strace, postgresql and redis-server for the scale-out tests, NuGet packages), builds, runs every test,
# and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

# Debian packages the tests use: chromium (browser tests), strace (the durability test watches the app's fsyncs).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v strace >/dev/null 2>&1 || missing+=(strace)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian's ${missing[*]} for the tests..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null || {
    echo "Could not install ${missing[*]}"; exit 1; }
fi

# PostgreSQL and Redis for the scale-out tests (ImagePipeline.Tests/Scale): started here, stopped on exit.
source .ci/services.sh
trap stop_test_services EXIT
start_test_services || { echo "Could not start PostgreSQL and Redis for the scale-out tests"; exit 1; }

dotnet restore ImagePipeline.sln || exit 1
dotnet build ImagePipeline.sln -c Release --no-restore -warnaserror || exit 1
dotnet format ImagePipeline.sln --verify-no-changes --no-restore || { echo "dotnet format found changes: run 'dotnet format ImagePipeline.sln'"; exit 1; }

log=$(mktemp)
dotnet test ImagePipeline.sln -c Release --no-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints one summary per test assembly: "Failed!  - Failed: 1, Passed: 41, Skipped: 0, Total: 42".
passed=$(grep -Eo 'Passed: +[0-9]+,' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+,' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
[ -z "$passed" ] && passed=0
[ -z "$failed" ] && failed=0
echo "${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi

#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need (Debian's Chromium for the
# browser tests, strace, postgresql and redis-server for the scale-out tests, NuGet packages), builds, runs every test
# on SQLite, then runs the suite a second time on PostgreSQL (see below), and ends with "N passed, N failed" (both passes).
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
unset IMAGEPIPELINE_TEST_PROVIDER # the first pass is on SQLite
dotnet test ImagePipeline.sln -c Release --no-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Second pass: the same suite on PostgreSQL. IMAGEPIPELINE_TEST_PROVIDER=Postgres makes the shared test infrastructure
# (Support/TestDatabase.cs: PipelineAppFactory, RunnerHost, BrowserApp) give every test's data directory a fresh
# PostgreSQL database of its own on the server started above, dropped with the directory. Left out of this pass:
# - tests about SQLite itself, [Trait("Provider", "Sqlite")]: its migration history, pragmas and synchronous=FULL, the
#   file shared by processes, backups of the file, the single binary on its file, the SQLite → PostgreSQL move;
# - ImagePipeline.Tests.Scale: they run on PostgreSQL (and Redis) in the first pass already;
# - the Playwright browser tests (Browser) and the published-binary tests (Hosting, Category=Reliability): they drive the
#   app only through HTTP, the UI and signals, so the database work they cause is the same API, intake and JobStore code
#   this pass runs in-process on PostgreSQL (the queue's crash, lease and kill -9 cases on PostgreSQL are the published
#   binary's Scale/MultiInstanceTests above); running them twice would double the suite's slowest part. BrowserApp
#   honours the switch, so `IMAGEPIPELINE_TEST_PROVIDER=Postgres dotnet test --filter ...Browser...` runs them on PostgreSQL.
# Extra arguments given to test.sh go to the first pass only.
pg_filter='Provider!=Sqlite&Category!=Reliability&FullyQualifiedName!~ImagePipeline.Tests.Browser.&FullyQualifiedName!~ImagePipeline.Tests.Hosting.&FullyQualifiedName!~ImagePipeline.Tests.Scale.'
echo "PostgreSQL pass: the suite again with IMAGEPIPELINE_TEST_PROVIDER=Postgres, filter $pg_filter"
pg_started=$SECONDS
IMAGEPIPELINE_TEST_PROVIDER=Postgres dotnet test ImagePipeline.Tests -c Release --no-build --filter "$pg_filter" 2>&1 | tee -a "$log"
pg_status=${PIPESTATUS[0]}
echo "PostgreSQL pass took $((SECONDS - pg_started)) s"
[ "$pg_status" -ne 0 ] && status=$pg_status

# dotnet test prints one summary per test assembly and pass: "Failed!  - Failed: 1, Passed: 41, Skipped: 0, Total: 42";
# the line below sums both passes.
passed=$(grep -Eo 'Passed: +[0-9]+,' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+,' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
[ -z "$passed" ] && passed=0
[ -z "$failed" ] && failed=0
echo "${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi

#!/usr/bin/env bash
# The project's test command:  bash scripts/test.sh [extra dotnet test args, e.g. --filter Category=Unit]
#
# Uses the PostgreSQL/Redis/RabbitMQ named by ConnectionStrings__Postgres, ConnectionStrings__Redis and
# ConnectionStrings__RabbitMq when all three are set; otherwise starts private ones with
# scripts/servers.sh (installing the Debian packages if needed) and always stops them on exit.
# Runs `dotnet test Booking.slnx -c Release` with a trx logger, then sums every .trx and prints the
# failed tests and, as the very last line, `N passed, N failed` (`, N skipped` when some were skipped).
# Without arguments it then runs the benchmark smoke (`bash bench/run.sh all --smoke`), counted as one more check.
# Exit code: non-zero when a test failed, a test run crashed, dotnet test failed, or no test passed.
#
# Environment: BOOKING_TEST_RESULTS=DIR keeps the .trx files in DIR (default: a temp dir, deleted).

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [ "${CI:-}" = true ]; then
  # no build servers left behind after the run
  export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
fi

WORK=$(mktemp -d /tmp/booking-test.XXXXXX)
chmod 755 "$WORK"                       # servers.sh runs PostgreSQL/RabbitMQ as their own users under here
SERVERS_DIR=
RESULTS=${BOOKING_TEST_RESULTS:-$WORK/results}

cleanup() {
  if [ -n "$SERVERS_DIR" ]; then
    bash "$ROOT/scripts/servers.sh" down "$SERVERS_DIR" --purge >"$WORK/servers-down.log" 2>&1 ||
      { echo "test.sh: stopping the servers failed:" >&2; cat "$WORK/servers-down.log" >&2; }
    SERVERS_DIR=
  fi
  if [ "${CI:-}" = true ]; then dotnet build-server shutdown >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
DOTNET_PID=
on_signal() {
  trap - INT TERM
  echo "test.sh: interrupted, stopping" >&2
  if [ -n "$DOTNET_PID" ]; then
    kill -TERM "$DOTNET_PID" 2>/dev/null
    wait "$DOTNET_PID" 2>/dev/null
  fi
  exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

summary_fail() {   # summary_fail MESSAGE: give up before any test ran
  echo "test.sh: $*" >&2
  cleanup
  trap - EXIT
  echo "0 passed, 1 failed"
  exit 1
}

# ---- servers -------------------------------------------------------------------------------
if [ -n "${ConnectionStrings__Postgres:-}" ] && [ -n "${ConnectionStrings__Redis:-}" ] &&
  [ -n "${ConnectionStrings__RabbitMq:-}" ]; then
  echo "test.sh: using the servers from the environment (ConnectionStrings__*)"
else
  SERVERS_DIR=$WORK/servers
  echo "test.sh: starting PostgreSQL, Redis and RabbitMQ (scripts/servers.sh up $SERVERS_DIR) ..."
  if ! bash "$ROOT/scripts/servers.sh" up "$SERVERS_DIR"; then
    summary_fail "could not start the servers"
  fi
  # shellcheck disable=SC1091
  . "$SERVERS_DIR/servers.env"
fi

# ---- browser and front-end tools ----------------------------------------------------------------
# npm vendors the hub's browser client for the seat-map page (web/SeatMap.targets); the browser tests drive
# Debian's Chromium through Playwright.
need_pkgs=()
command -v npm >/dev/null 2>&1 || need_pkgs+=(npm)
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || summary_fail "missing ${need_pkgs[*]}: apt-get update && apt-get install -y ${need_pkgs[*]}"
  echo "test.sh: installing ${need_pkgs[*]} with apt-get ..."
  if ! { export DEBIAN_FRONTEND=noninteractive
         apt-get -o DPkg::Lock::Timeout=1200 update &&
           apt-get -o DPkg::Lock::Timeout=1200 install -y "${need_pkgs[@]}"; } </dev/null >"$WORK/apt-browser.log" 2>&1; then
    tail -n 30 "$WORK/apt-browser.log" >&2
    summary_fail "apt-get install ${need_pkgs[*]} failed"
  fi
fi
# Screenshots of the browser tests are kept (TestResults/ is ignored by git), unlike the temporary .trx files.
export BOOKING_TEST_ARTIFACTS="${BOOKING_TEST_ARTIFACTS:-$ROOT/TestResults/artifacts}"

# ---- dotnet test -----------------------------------------------------------------------------
command -v dotnet >/dev/null 2>&1 || summary_fail "dotnet not found on PATH"
[ -f Booking.slnx ] || summary_fail "Booking.slnx not found in $ROOT"

mkdir -p "$RESULTS"
find "$RESULTS" -maxdepth 1 -type f -name '*.trx' -delete    # only this run's files are summed

# A global.json that switches `dotnet test` to Microsoft.Testing.Platform takes --report-trx instead
# of a VSTest logger (its test projects then need Microsoft.Testing.Extensions.TrxReport).
if [ -f global.json ] && grep -q 'Microsoft.Testing.Platform' global.json; then
  trx_args=(--report-trx)
else
  trx_args=(--logger trx)
fi

# -m:1: the test projects share the servers, the partition queue names and the worker registry, so they
# run one after another (the tests inside a project that use the system run one at a time as well).
echo "test.sh: dotnet test Booking.slnx -c Release -m:1 ${trx_args[*]} --results-directory $RESULTS $*"
# dotnet runs in the background (output shown and logged through tee) so that INT/TERM reach the
# trap at once; the trap stops dotnet, then the servers.
mkfifo "$WORK/out.fifo"
tee "$WORK/dotnet-test.log" <"$WORK/out.fifo" &
TEE_PID=$!
dotnet test Booking.slnx -c Release -m:1 "${trx_args[@]}" --results-directory "$RESULTS" "$@" </dev/null >"$WORK/out.fifo" 2>&1 &
DOTNET_PID=$!
wait "$DOTNET_PID"
test_rc=$?
DOTNET_PID=
wait "$TEE_PID"
# compiler/MSBuild errors ("file(1,2): error CS0029: ..."), counted once per distinct message
build_errors=$(grep -E ': error [A-Z]+[0-9]+:' "$WORK/dotnet-test.log" | sort -u | wc -l)

# ---- benchmark smoke -------------------------------------------------------------------------
# Every load scenario at a tiny size against the running services (bench/run.sh), so the load generator and its
# commands keep working; it fails when an invariant breaks or a scenario errs. Counted as one check. Skipped when
# arguments narrow the test run, or with BOOKING_SKIP_BENCH_SMOKE=1.
smoke=skipped
if [ $# -eq 0 ] && [ "${BOOKING_SKIP_BENCH_SMOKE:-}" != 1 ]; then
  echo "test.sh: bash bench/run.sh all --smoke"
  # run.sh builds what it runs: dotnet test built the services in Release but not the load generator (no test
  # project references it), and the services' builds are up to date, so this costs only the load generator's.
  if bash "$ROOT/bench/run.sh" all --smoke </dev/null >"$WORK/bench-smoke.log" 2>&1; then smoke=passed; else smoke=failed; fi
  grep -E '^Booking.LoadTest|: OK$|: FAILED|VIOLATION|^bench/run.sh: [a-z]+ did not' "$WORK/bench-smoke.log" | sed 's/^/  /'
  echo "test.sh: benchmark smoke $smoke"
fi

# ---- sum the .trx files ----------------------------------------------------------------------
# Prints "FAILED<TAB>test name", "CRASHED<TAB>file<TAB>reason", and last "COUNTS passed failed skipped total crashed".
read -r -d '' TRX_AWK <<'AWK'
function attr(s, name,   n) {
  n = length(name)
  if (match(s, "[ \t]" name "=\"[^\"]*\"")) return substr(s, RSTART + n + 3, RLENGTH - n - 4)
  return ""
}
function unesc(s) {
  gsub(/&quot;/, "\"", s); gsub(/&apos;/, "'", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s)
  gsub(/&#x[dDaA];/, " ", s); gsub(/&amp;/, "\\&", s)
  return s
}
function num(s) { return s == "" ? 0 : s + 0 }
function finish_file(   bad) {
  if (file == "") return
  if (!have_counters) {
    crashed++; printf "CRASHED\t%s\t%s\n", file, "no <Counters> in the trx file (truncated?)"
  } else {
    bad = (outcome == "Failed" || outcome == "Error" || outcome == "Aborted" || outcome == "Timeout" || outcome == "Disconnected")
    if (bad && file_failed == 0)
      { crashed++; printf "CRASHED\t%s\t%s\n", file, (reason != "" ? reason : err_text != "" ? err_text : "test run outcome " outcome " with no failed test") }
  }
}
FNR == 1 { finish_file(); file = FILENAME; outcome = ""; have_counters = 0; file_failed = 0; reason = ""; err_text = ""; in_err = 0 }
/<UnitTestResult[ \t]/ {
  o = attr($0, "outcome")
  if (o == "Failed" || o == "Error" || o == "Timeout" || o == "Aborted") printf "FAILED\t%s\n", unesc(attr($0, "testName"))
}
/<ResultSummary[ \t]/ { outcome = attr($0, "outcome") }
/<Counters[ \t]/ {
  have_counters = 1
  t = num(attr($0, "total")); e = num(attr($0, "executed"))
  p = num(attr($0, "passed")) + num(attr($0, "passedButRunAborted"))
  f = num(attr($0, "failed")) + num(attr($0, "error")) + num(attr($0, "timeout")) + num(attr($0, "aborted"))
  s = (t >= e) ? t - e : 0
  if (s == 0) s = num(attr($0, "notExecuted"))
  total += t; passed += p; failed += f; skipped += s; file_failed += f
}
/<RunInfo[ \t]/ { in_err = (attr($0, "outcome") == "Error") }
in_err && /<Text>/ {
  line = $0; sub(/.*<Text>/, "", line); sub(/<\/Text>.*/, "", line); gsub(/^[ \t]+|[ \t]+$/, "", line)
  if (err_text == "") err_text = unesc(line)
  in_err = 0
}
reason == "" && /(test run was aborted|[Tt]est host process crashed|[Tt]est [Rr]un [Aa]borted)/ {
  line = $0; gsub(/<[^>]*>/, "", line); gsub(/^[ \t]+|[ \t]+$/, "", line); reason = unesc(line)
}
END { finish_file(); printf "COUNTS %d %d %d %d %d\n", passed, failed, skipped, total, crashed }
AWK

mapfile -t trx_files < <(find "$RESULTS" -type f -name '*.trx' | sort)
if [ ${#trx_files[@]} -gt 0 ]; then
  parsed=$(awk "$TRX_AWK" "${trx_files[@]}")
else
  parsed="COUNTS 0 0 0 0 0"
fi
read -r _ passed failed skipped total crashed <<<"$(grep '^COUNTS ' <<<"$parsed" | tail -n 1)"

echo
echo "test.sh: ${#trx_files[@]} trx file(s), dotnet test exit code $test_rc"
if grep -q '^FAILED' <<<"$parsed"; then
  echo "Failed tests:"
  grep '^FAILED' <<<"$parsed" | cut -f2- | sed 's/^/  /'
fi
if grep -q '^CRASHED' <<<"$parsed"; then
  echo "Aborted/crashed test runs:"
  grep '^CRASHED' <<<"$parsed" | awk -F '\t' '{ printf "  %s: %s\n", $2, $3 }'
fi
failed=$((failed + crashed))
case $smoke in
  passed) passed=$((passed + 1)) ;;
  failed)
    failed=$((failed + 1))
    echo "Benchmark smoke failed (bash bench/run.sh all --smoke); the end of its output:"
    tail -n 60 "$WORK/bench-smoke.log" | sed 's/^/  /'
    ;;
esac
if [ "$build_errors" -gt 0 ]; then
  echo "Build errors ($build_errors), counted as 1 failure:"
  grep -E ': error [A-Z]+[0-9]+:' "$WORK/dotnet-test.log" | sort -u | head -n 20 | sed 's/^ */  /'
  failed=$((failed + 1))
fi
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with code $test_rc but no failed test was recorded (build error, crash or bad arguments): counted as 1 failure"
  failed=1
fi
if [ "$passed" -eq 0 ]; then
  echo "No test passed."
fi

cleanup
trap - EXIT

rc=0
if [ "$failed" -gt 0 ] || [ "$test_rc" -ne 0 ] || [ "$passed" -eq 0 ]; then rc=1; fi
line="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then line="$line, $skipped skipped"; fi
echo "$line"
exit "$rc"

#!/usr/bin/env bash
# One command per benchmark scenario (issue 6): starts the servers and the three services on loopback, runs
# bench/Booking.LoadTest against them with CPU and memory sampling of every process, and stops what it started.
#
#   bash bench/run.sh herd                 # 10,000 buyers on one showtime of 500 seats, then the gate path
#   bash bench/run.sh many-sales           # 36,000 buyers over 200 showtimes of 500 seats: commit throughput
#   bash bench/run.sh mixed                # 1,000 holds/s + confirms, cancels, seat-map reads for 30 s
#   bash bench/run.sh mixed --rate 10000   # ten times that: the overload behaviour
#   bash bench/run.sh all --smoke          # every scenario in seconds (CI)
#
# Arguments after the scenario go to the load generator (see `dotnet bench/Booking.LoadTest/... --help`).
# Environment:
#   ConnectionStrings__Postgres/__Redis/__RabbitMq  use these servers (e.g. after `source DIR/servers.env`);
#                                                   otherwise private ones are started with scripts/servers.sh
#   BENCH_INGRESS_PORT (6080), BENCH_REALTIME_PORT (6081), BENCH_WORKER_PORT (6082): the next free port is taken
#                                                   when one is busy
#   BENCH_NO_BUILD=1                                run what is built already
#   BENCH_KEEP_LOGS=1                               keep the services' logs (their directory is printed)
#   BENCH_NICE=-10                                  on a machine shared with other work: give this run's processes
#                                                   and (when their pid files are known) the servers' this nice
#                                                   level, per scheduler autogroup (Linux shares CPU between
#                                                   sessions before nice applies), so that the figures are the
#                                                   system's, not the neighbours'; the servers' groups are set back
#                                                   to 0 at the end
# Exit code: the load generator's (0 = every invariant held), or 1 when the system could not be started.

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [ "${CI:-}" = true ]; then export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0; fi

[ $# -ge 1 ] || { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

WORK=$(mktemp -d /tmp/booking-bench.XXXXXX)
chmod 755 "$WORK"
LOGS=$WORK/logs
mkdir -p "$LOGS"
SERVERS_DIR=
PIDS=()

log() { echo "bench/run.sh: $*" >&2; }

NICE=${BENCH_NICE:-}
NICE_CMD=()
[ -n "$NICE" ] && NICE_CMD=(nice -n "$NICE")
RENICED=()

set_group_nice() {   # set_group_nice LEVEL PID...: the scheduler autogroup (session) of each process
  local level=$1 pid
  shift
  for pid in "$@"; do
    [ -w "/proc/$pid/autogroup" ] && echo "$level" >"/proc/$pid/autogroup" 2>/dev/null
  done
}

cleanup() {
  local pid
  [ ${#RENICED[@]} -gt 0 ] && set_group_nice 0 "${RENICED[@]}"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  done
  PIDS=()
  if [ -n "$SERVERS_DIR" ]; then
    bash "$ROOT/scripts/servers.sh" down "$SERVERS_DIR" --purge >/dev/null 2>&1 || log "stopping the servers failed"
    SERVERS_DIR=
  fi
  if [ "${BENCH_KEEP_LOGS:-}" = 1 ]; then log "logs kept in $LOGS"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p=$1; while port_in_use "$p"; do p=$((p + 1)); done; echo "$p"; }

# ---- servers ----------------------------------------------------------------------------------
if [ -n "${ConnectionStrings__Postgres:-}" ] && [ -n "${ConnectionStrings__Redis:-}" ] && [ -n "${ConnectionStrings__RabbitMq:-}" ]; then
  log "using the servers from the environment (ConnectionStrings__*)"
else
  SERVERS_DIR=$WORK/servers
  log "starting PostgreSQL, Redis and RabbitMQ in $SERVERS_DIR ..."
  bash "$ROOT/scripts/servers.sh" up "$SERVERS_DIR" >"$LOGS/servers.log" 2>&1 || { cat "$LOGS/servers.log" >&2; log "servers failed to start"; exit 1; }
  # shellcheck disable=SC1091
  . "$SERVERS_DIR/servers.env"
fi

# ---- build ------------------------------------------------------------------------------------
PROJECTS=(Booking.Ingress Booking.Worker Booking.Realtime bench/Booking.LoadTest)
if [ "${BENCH_NO_BUILD:-}" != 1 ]; then
  for project in "${PROJECTS[@]}"; do
    log "building $project (Release) ..."
    if ! dotnet build "$project/$(basename "$project").csproj" -c Release -nologo -v quiet >"$LOGS/build.log" 2>&1; then
      grep -E ': error ' "$LOGS/build.log" | sort -u | head -n 20 >&2 || tail -n 30 "$LOGS/build.log" >&2
      exit 1
    fi
  done
fi

# ---- services -----------------------------------------------------------------------------------
INGRESS_PORT=$(free_port "${BENCH_INGRESS_PORT:-6080}")
REALTIME_PORT=$(free_port "${BENCH_REALTIME_PORT:-6081}")
[ "$REALTIME_PORT" = "$INGRESS_PORT" ] && REALTIME_PORT=$(free_port $((INGRESS_PORT + 1)))
WORKER_PORT=$(free_port "${BENCH_WORKER_PORT:-6082}")
while [ "$WORKER_PORT" = "$INGRESS_PORT" ] || [ "$WORKER_PORT" = "$REALTIME_PORT" ]; do WORKER_PORT=$(free_port $((WORKER_PORT + 1))); done
# Production, as deployed (Development adds DI scope checks and the exception page), with the dev tokens the load
# generator signs in with turned on by configuration.
export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
export Auth__DevTokens=true Auth__SigningKey=${Auth__SigningKey:-bench-only-signing-key-not-for-production-0123456789}

# This script's session: the services and the load generator started below share its autogroup.
[ -n "$NICE" ] && set_group_nice "$NICE" $$
declare -A PID_OF=()
# Each service runs its framework code compiled at first call, not precompiled, as its container image sets it
# (DOTNET_ReadyToRun=0 in the Dockerfiles; README, "Runtime settings"); DOTNET_ReadyToRun=1 in the environment turns
# the precompiled code back on for the services.
start_service() {   # start_service NAME PROJECT PORT: the app itself (not `dotnet run`), so its pid is the one sampled
  local name=$1 project=$2 port=$3
  (cd "$ROOT/$project" && export DOTNET_ReadyToRun=${DOTNET_ReadyToRun:-0} && exec "${NICE_CMD[@]}" dotnet "bin/Release/net10.0/$project.dll" --urls "http://127.0.0.1:$port") \
    >"$LOGS/$name.log" 2>&1 </dev/null &
  PID_OF[$name]=$!
  PIDS+=("$!")
}
# The ingress's gen0 budget, as its container image sets it (Booking.Ingress/Dockerfile).
DOTNET_GCgen0size=0x2000000 start_service ingress Booking.Ingress "$INGRESS_PORT"
start_service worker Booking.Worker "$WORKER_PORT"
start_service realtime Booking.Realtime "$REALTIME_PORT"

ready() { curl -s -o /dev/null -m 3 -w '%{http_code}' "http://127.0.0.1:$1/health/ready" 2>/dev/null | grep -q '^2'; }
deadline=$((SECONDS + 120))
for name in ingress worker realtime; do
  case $name in ingress) port=$INGRESS_PORT ;; worker) port=$WORKER_PORT ;; realtime) port=$REALTIME_PORT ;; esac
  until ready "$port"; do
    if ! kill -0 "${PID_OF[$name]}" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      log "$name did not become ready; last lines of its log:"
      tail -n 30 "$LOGS/$name.log" >&2
      exit 1
    fi
    sleep 0.5
  done
done
# The worker attaches its partition queues on its first heartbeat; give it that moment.
for _ in $(seq 1 40); do grep -q 'Attached to partition' "$LOGS/worker.log" 2>/dev/null && break; sleep 0.25; done
sleep 1
log "ingress :$INGRESS_PORT (pid ${PID_OF[ingress]}), worker :$WORKER_PORT (pid ${PID_OF[worker]}), realtime :$REALTIME_PORT (pid ${PID_OF[realtime]})"

# ---- sample the servers too, when their pid files are known --------------------------------------
PROC_ARGS=(--proc "ingress=${PID_OF[ingress]}" --proc "worker=${PID_OF[worker]}" --proc "realtime=${PID_OF[realtime]}")
if [ -n "${BOOKING_SERVERS_DIR:-}" ]; then
  pg=$(head -n 1 "$BOOKING_SERVERS_DIR/pg/data/postmaster.pid" 2>/dev/null)
  redis=$(cat "$BOOKING_SERVERS_DIR/redis/redis.pid" 2>/dev/null)
  rabbit=$(cat "$BOOKING_SERVERS_DIR/rabbitmq/rabbit.pid" 2>/dev/null)
  [ -n "$pg" ] && PROC_ARGS+=(--proc "postgres=$pg+")
  [ -n "$redis" ] && PROC_ARGS+=(--proc "redis=$redis")
  [ -n "$rabbit" ] && PROC_ARGS+=(--proc "rabbitmq=$rabbit+")
  if [ -n "$NICE" ]; then
    for pid in $pg $redis $rabbit; do RENICED+=("$pid"); done
    [ ${#RENICED[@]} -gt 0 ] && set_group_nice "$NICE" "${RENICED[@]}"
    log "servers and services run at nice $NICE"
  fi
fi

# ---- run --------------------------------------------------------------------------------------------
"${NICE_CMD[@]}" dotnet "$ROOT/bench/Booking.LoadTest/bin/Release/net10.0/Booking.LoadTest.dll" "$@" \
  --ingress "http://127.0.0.1:$INGRESS_PORT" --realtime "http://127.0.0.1:$REALTIME_PORT" --worker "http://127.0.0.1:$WORKER_PORT" \
  --postgres "$ConnectionStrings__Postgres" "${PROC_ARGS[@]}" </dev/null
rc=$?
if [ $rc -ne 0 ]; then
  for name in ingress worker realtime; do
    if grep -qE 'fail:|crit:|Unhandled' "$LOGS/$name.log"; then
      log "errors in the $name log (first 20 lines):"
      grep -E -A3 'fail:|crit:|Unhandled' "$LOGS/$name.log" | head -n 20 >&2
    fi
  done
fi
exit $rc

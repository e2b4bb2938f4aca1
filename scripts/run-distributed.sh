#!/usr/bin/env bash
# Run the whole system locally: PostgreSQL + Redis + RabbitMQ (scripts/servers.sh) and the three
# services as separate processes. Ctrl-C (or SIGTERM) stops the services and then the servers.
#
#   bash scripts/run-distributed.sh
#
# Environment:
#   INGRESS_PORT (5080), REALTIME_PORT (5081), WORKER_PORT (5082)   service ports on 127.0.0.1
#   CONFIGURATION (Release)                                           build configuration
#   ASPNETCORE_ENVIRONMENT (Development: turns on the dev tokens)
#   ConnectionStrings__Postgres/__Redis/__RabbitMq                    use these servers instead of starting some
#   KEEP_SERVERS_DIR=1                                                keep the servers' data dir on exit
#   QUIET=1                                                           don't stream the services' logs here

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

INGRESS_PORT=${INGRESS_PORT:-5080}
REALTIME_PORT=${REALTIME_PORT:-5081}
WORKER_PORT=${WORKER_PORT:-5082}
CONFIGURATION=${CONFIGURATION:-Release}
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export DOTNET_ENVIRONMENT=${DOTNET_ENVIRONMENT:-$ASPNETCORE_ENVIRONMENT}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# name|project|port
SERVICES=(
  "ingress|Booking.Ingress|$INGRESS_PORT"
  "worker|Booking.Worker|$WORKER_PORT"
  "realtime|Booking.Realtime|$REALTIME_PORT"
)

RUN_DIR=$(mktemp -d /tmp/booking-run.XXXXXX)
chmod 755 "$RUN_DIR"
LOGS=$RUN_DIR/logs
mkdir -p "$LOGS"
SERVERS_DIR=
TAIL_PID=
STOPPING=

log() { echo "run-distributed: $*" >&2; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_ok() {   # http_ok PORT PATH -> 0 when the answer is 2xx
  local port=$1 path=$2 status
  if command -v curl >/dev/null 2>&1; then
    status=$(curl -s -o /dev/null -m 3 -w '%{http_code}' "http://127.0.0.1:$port$path" 2>/dev/null) || return 1
  else
    status=$(timeout 3 bash -c '
      exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
      printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$2" >&3
      head -n 1 <&3' _ "$port" "$path" 2>/dev/null | awk '{ print $2 }') || return 1
  fi
  [[ $status == 2* ]]
}

stop_services() {
  local s name pid
  for s in "${SERVICES[@]}"; do
    name=${s%%|*}
    pid=$(cat "$RUN_DIR/$name.pid" 2>/dev/null) || continue
    [ -n "$pid" ] && kill -TERM -- "-$pid" 2>/dev/null
  done
  for s in "${SERVICES[@]}"; do
    name=${s%%|*}
    pid=$(cat "$RUN_DIR/$name.pid" 2>/dev/null) || continue
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null
    rm -f "$RUN_DIR/$name.pid"
  done
}

shutdown() {
  [ -n "$STOPPING" ] && return
  STOPPING=1
  trap '' INT TERM
  log "stopping services ..."
  stop_services
  [ -n "$TAIL_PID" ] && { kill -- "-$TAIL_PID" 2>/dev/null || kill "$TAIL_PID" 2>/dev/null; }
  if [ -n "$SERVERS_DIR" ]; then
    log "stopping servers ..."
    if [ "${KEEP_SERVERS_DIR:-}" = 1 ]; then
      bash "$ROOT/scripts/servers.sh" down "$SERVERS_DIR" || true
    else
      bash "$ROOT/scripts/servers.sh" down "$SERVERS_DIR" --purge || true
    fi
  fi
  if [ "${KEEP_SERVERS_DIR:-}" = 1 ]; then
    log "logs kept in $LOGS"
  else
    rm -rf "$RUN_DIR"
  fi
}
trap shutdown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- checks ---------------------------------------------------------------------------------
command -v dotnet >/dev/null 2>&1 || { log "dotnet not found on PATH"; exit 1; }
for s in "${SERVICES[@]}"; do
  IFS='|' read -r name project port <<<"$s"
  [ -f "$project/$project.csproj" ] || { log "$project/$project.csproj not found"; exit 1; }
  if port_in_use "$port"; then log "port $port ($name) is already in use; set ${name^^}_PORT"; exit 1; fi
done

# ---- servers ----------------------------------------------------------------------------------
if [ -n "${ConnectionStrings__Postgres:-}" ] && [ -n "${ConnectionStrings__Redis:-}" ] &&
  [ -n "${ConnectionStrings__RabbitMq:-}" ]; then
  log "using the servers from the environment (ConnectionStrings__*)"
else
  SERVERS_DIR=$RUN_DIR/servers
  log "starting PostgreSQL, Redis and RabbitMQ in $SERVERS_DIR ..."
  bash "$ROOT/scripts/servers.sh" up "$SERVERS_DIR" >/dev/null || { log "servers failed to start"; exit 1; }
  # shellcheck disable=SC1091
  . "$SERVERS_DIR/servers.env"
fi

# ---- build once, then run without building (three parallel builds would fight over obj/) -----
for s in "${SERVICES[@]}"; do
  IFS='|' read -r name project port <<<"$s"
  log "building $project ($CONFIGURATION) ..."
  if ! dotnet build "$project/$project.csproj" -c "$CONFIGURATION" -nologo -v quiet >"$LOGS/build-$name.log" 2>&1; then
    grep -E ': error ' "$LOGS/build-$name.log" | sort -u | head -n 20 >&2 || tail -n 30 "$LOGS/build-$name.log" >&2
    log "build of $project failed (full log: $LOGS/build-$name.log)"
    exit 1
  fi
done

# ---- start ------------------------------------------------------------------------------------
# The seat-map page served by the ingress talks to the hub on the realtime port, so the hub allows its origin.
export SeatMap__HubUrl="http://127.0.0.1:$REALTIME_PORT/hubs/booking"
export Realtime__AllowedOrigins__0="http://127.0.0.1:$INGRESS_PORT"
for s in "${SERVICES[@]}"; do
  IFS='|' read -r name project port <<<"$s"
  # own session/process group (so stopping it reaches `dotnet run` and the app it started);
  # the inner shell writes its pid, which `exec` hands on to dotnet
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$RUN_DIR/$name.pid" \
    dotnet run --no-build --no-launch-profile -c "$CONFIGURATION" --project "$project/$project.csproj" \
    -- --urls "http://127.0.0.1:$port" >"$LOGS/$name.log" 2>&1 </dev/null &
done
for s in "${SERVICES[@]}"; do
  name=${s%%|*}
  for _ in $(seq 1 50); do [ -s "$RUN_DIR/$name.pid" ] && break; sleep 0.1; done
done

if [ "${QUIET:-}" != 1 ]; then
  # stream the logs, each line prefixed with its service's name
  # (in its own process group, so that stopping it reaches the whole pipeline; a bash loop rather
  # than mawk, which would hold lines back waiting to fill its input buffer)
  setsid bash -c '
    tail -n +1 -F "$@" 2>/dev/null | while IFS= read -r line; do
      case $line in
        "==> "*" <==") n=${line#==> }; n=${n% <==}; n=${n##*/}; n=${n%.log} ;;
        "") ;;   # tail'"'"'s separator before each header
        *) printf "[%s] %s\n" "$n" "$line" ;;
      esac
    done' _ "$LOGS/ingress.log" "$LOGS/worker.log" "$LOGS/realtime.log" &
  TAIL_PID=$!
fi

service_died() {   # service_died NAME -> 0 when its process is gone
  local pid
  pid=$(cat "$RUN_DIR/$1.pid" 2>/dev/null)
  [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null
}

# ---- wait until healthy -----------------------------------------------------------------------
declare -A ready=()
deadline=$((SECONDS + ${START_TIMEOUT:-180}))
while [ ${#ready[@]} -lt ${#SERVICES[@]} ]; do
  for s in "${SERVICES[@]}"; do
    IFS='|' read -r name project port <<<"$s"
    [ -n "${ready[$name]:-}" ] && continue
    if service_died "$name"; then
      log "$name exited during start; last lines of $LOGS/$name.log:"
      tail -n 30 "$LOGS/$name.log" >&2
      exit 1
    fi
    if http_ok "$port" /health/live; then ready[$name]=1; log "$name is up on http://127.0.0.1:$port"; fi
  done
  if [ $SECONDS -ge $deadline ]; then
    log "timed out waiting for: $(for s in "${SERVICES[@]}"; do n=${s%%|*}; [ -z "${ready[$n]:-}" ] && printf '%s ' "$n"; done)"
    exit 1
  fi
  [ ${#ready[@]} -lt ${#SERVICES[@]} ] && sleep 1
done

cat >&2 <<EOF

run-distributed: all services are up (ASPNETCORE_ENVIRONMENT=$ASPNETCORE_ENVIRONMENT)
  ingress   http://127.0.0.1:$INGRESS_PORT     (health: /health/live, /health/ready)
  realtime  http://127.0.0.1:$REALTIME_PORT
  worker    http://127.0.0.1:$WORKER_PORT     (health only)
  postgres  $ConnectionStrings__Postgres
  redis     $ConnectionStrings__Redis
  rabbitmq  $ConnectionStrings__RabbitMq
  logs      $LOGS
Press Ctrl-C to stop everything.

EOF

# ---- run until Ctrl-C or a service exits ----------------------------------------------------
while :; do
  for s in "${SERVICES[@]}"; do
    name=${s%%|*}
    if service_died "$name"; then
      log "$name exited; last lines of its log:"
      tail -n 30 "$LOGS/$name.log" >&2
      exit 1
    fi
  done
  sleep 2
done

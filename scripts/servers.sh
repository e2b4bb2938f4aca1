#!/usr/bin/env bash
# Private PostgreSQL + Redis + RabbitMQ instances for tests and local runs.
#
#   bash scripts/servers.sh up [DIR]        start all three (installs the Debian packages if missing)
#   bash scripts/servers.sh down DIR [--purge]   stop what `up DIR` started (--purge also deletes DIR)
#   bash scripts/servers.sh env DIR         print DIR/servers.env (eval "$(bash scripts/servers.sh env DIR)")
#   bash scripts/servers.sh status DIR      exit 0 when all three answer
#   bash scripts/servers.sh rabbitmqctl DIR ARGS...   run a RabbitMQ CLI tool against the private node
#                                           (also: rabbitmq-diagnostics, rabbitmq-plugins, rabbitmq-queues)
#
# Every server listens on 127.0.0.1 only, on free ports picked at start (never the default ports),
# and keeps its data, logs, sockets and pid files under DIR, so several instances (and a system-wide
# PostgreSQL/Redis/RabbitMQ/epmd) can run side by side. `up` writes DIR/servers.env with:
#   ConnectionStrings__Postgres  Host=127.0.0.1;Port=P;Username=booking;Password=booking;Database=booking
#   ConnectionStrings__Redis     127.0.0.1:P
#   ConnectionStrings__RabbitMq  amqp://guest:guest@127.0.0.1:P/
#   BOOKING_SERVERS_DIR, BOOKING_PG_PORT, BOOKING_REDIS_PORT, BOOKING_RABBIT_PORT, ...
#
# Needs root (to install packages and to run PostgreSQL/RabbitMQ as their own OS users).
# Tunables (environment): BOOKING_PG_MAX_CONNECTIONS (300), BOOKING_START_TIMEOUT (120 s per server).

set -euo pipefail

PORT_CLAIMS=/tmp/booking-servers-ports      # cross-instance port reservations (one dir per port)
RABBIT_LIB=/usr/lib/rabbitmq/bin
START_TIMEOUT=${BOOKING_START_TIMEOUT:-120}
PG_MAX_CONNECTIONS=${BOOKING_PG_MAX_CONNECTIONS:-300}
SAFE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

die() { echo "servers.sh: ERROR: $*" >&2; exit 1; }
say() { echo "servers.sh: $*" >&2; }

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# --------------------------------------------------------------------------------------------
# helpers

pg_bin_dir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$d" ] && [ -x "$d/postgres" ] && echo "$d"
}

have_all_binaries() {
  [ -n "$(pg_bin_dir)" ] &&
    command -v redis-server >/dev/null 2>&1 &&
    command -v redis-cli >/dev/null 2>&1 &&
    [ -x "$RABBIT_LIB/rabbitmq-server" ] &&
    command -v epmd >/dev/null 2>&1 &&
    id postgres >/dev/null 2>&1 &&
    id rabbitmq >/dev/null 2>&1
}

install_packages() {
  local log=$1
  [ "$(id -u)" = 0 ] || die "PostgreSQL/Redis/RabbitMQ are not installed and installing needs root:
  apt-get update && apt-get install -y postgresql redis-server rabbitmq-server"
  say "installing postgresql redis-server rabbitmq-server with apt-get (log: $log) ..."
  # Keep the packages' postinst scripts from starting system-wide daemons (we never use them).
  local made_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local rc=0
  {
    export DEBIAN_FRONTEND=noninteractive
    # Lock::Timeout: wait for another apt/dpkg (e.g. a background install) instead of failing.
    apt-get -o DPkg::Lock::Timeout=1200 update &&
      apt-get -o DPkg::Lock::Timeout=1200 install -y postgresql redis-server rabbitmq-server
  } </dev/null >>"$log" 2>&1 || rc=$?
  [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
  if [ "$rc" != 0 ]; then
    tail -n 30 "$log" >&2
    die "apt-get failed (exit $rc); full log: $log"
  fi
  have_all_binaries || die "packages installed but a server binary is still missing (see $log)"
}

# All local TCP ports in use (any state, IPv4 and IPv6), one decimal port per line.
used_ports() {
  local hex
  for hex in $(awk 'FNR > 1 { n = split($2, a, ":"); print a[n] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
    echo $((16#$hex))
  done
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Pick a free port outside the ephemeral range and reserve it (mkdir is atomic) so that
# concurrent `up`s never pick the same one. Appends the port to $CLAIMED and prints it.
pick_port() {
  local eph_lo eph_hi used p i
  read -r eph_lo eph_hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || { eph_lo=32768; eph_hi=60999; }
  used=" $(used_ports | tr '\n' ' ') "
  mkdir -p "$PORT_CLAIMS"
  chmod 1777 "$PORT_CLAIMS" 2>/dev/null || true
  for ((i = 0; i < 500; i++)); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))         # 20000..31999
    if [ "$p" -ge "$eph_lo" ] && [ "$p" -le "$eph_hi" ]; then continue; fi
    case "$used" in *" $p "*) continue ;; esac
    port_answers "$p" && continue
    # a claim left by a crashed `up` (older than a day, port unused) is stale: reuse it
    if [ -d "$PORT_CLAIMS/$p" ] && [ -n "$(find "$PORT_CLAIMS/$p" -maxdepth 0 -mmin +1440 2>/dev/null)" ]; then
      rmdir "$PORT_CLAIMS/$p" 2>/dev/null || true
    fi
    mkdir "$PORT_CLAIMS/$p" 2>/dev/null || continue
    echo "$p" >>"$CLAIMED"
    echo "$p"
    return 0
  done
  die "could not find a free TCP port"
}

release_ports() {
  local f=$1/.claimed-ports p
  [ -f "$f" ] || return 0
  while read -r p; do
    [ -n "$p" ] && rmdir "$PORT_CLAIMS/$p" 2>/dev/null || true
  done <"$f"
  rm -f "$f"
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
# pid_is PID COMM -> the process is alive and its command name starts with COMM (guards against pid reuse)
pid_is() {
  local comm
  pid_alive "${1:-}" || return 1
  comm=$(cat "/proc/$1/comm" 2>/dev/null) || return 1
  [[ $comm == "$2"* ]]
}
read_pid() { [ -f "$1" ] && head -n 1 "$1" | tr -dc '0-9' || true; }

# wait_gone PID SECONDS -> 0 when the process is gone
wait_gone() {
  local pid=$1 t=$(($2 * 10)) i
  for ((i = 0; i < t; i++)); do pid_alive "$pid" || return 0; sleep 0.1; done
  ! pid_alive "$pid"
}

# run a command as an OS user from /, with a clean environment (extra VAR=VALUE args first)
as_user() { (as_user_exec "$@"); }
# same, replacing the current (sub)shell: `as_user_exec ... &` leaves no bash process behind
as_user_exec() {
  local user=$1; shift
  local envs=()
  while [ $# -gt 0 ] && [[ $1 == *=* ]] && [[ $1 != -* ]]; do envs+=("$1"); shift; done
  cd / && exec env -i PATH="$SAFE_PATH" LANG=C.UTF-8 LC_ALL=C.UTF-8 "${envs[@]}" \
    setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"
}

log_tail() {
  local f
  for f in "$@"; do
    [ -s "$f" ] || continue
    echo "----- last lines of $f -----" >&2
    tail -n 25 "$f" >&2
  done
}

amqp_ready() {
  # Send the AMQP 0-9-1 protocol header; a ready broker answers with a Connection.Start
  # frame, whose first byte is the frame type 1.
  local out
  out=$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "AMQP\x00\x00\x09\x01" >&3
    head -c 1 <&3 | od -An -tx1' _ "$1" 2>/dev/null) || return 1
  [ "$(echo $out)" = "01" ]
}

# --------------------------------------------------------------------------------------------
# PostgreSQL

pg_start() {
  local dir=$1 port=$2 bin
  bin=$(pg_bin_dir)
  local pgdir=$dir/pg data=$dir/pg/data run=$dir/pg/run log=$dir/pg/postgres.log
  mkdir -p "$pgdir" "$run"
  chown postgres:postgres "$pgdir" "$run"
  chmod 700 "$pgdir"
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    if ! as_user postgres "$bin/initdb" -D "$data" -U postgres -E UTF8 --no-locale \
      --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$pgdir/initdb.log" 2>&1; then
      log_tail "$pgdir/initdb.log"
      return 1
    fi
    echo "include 'booking.conf'" >>"$data/postgresql.conf"
  fi
  cat >"$data/booking.conf" <<EOF
# written by scripts/servers.sh on every start
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$run'
max_connections = $PG_MAX_CONNECTIONS
EOF
  chown postgres:postgres "$data/booking.conf"
  rm -f "$data/postmaster.pid" 2>/dev/null || true   # stale after a crash; `up` has checked nothing runs
  touch "$log" && chown postgres:postgres "$log"
  if ! as_user postgres "$bin/pg_ctl" -D "$data" -l "$log" -w -t "$START_TIMEOUT" start >"$pgdir/pg_ctl.log" 2>&1; then
    log_tail "$pgdir/pg_ctl.log" "$log"
    return 1
  fi
  if ! as_user postgres "$bin/psql" -h "$run" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt \
    >"$pgdir/setup.log" 2>&1 <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'booking') THEN
    CREATE ROLE booking LOGIN SUPERUSER CREATEDB PASSWORD 'booking';
  ELSE
    ALTER ROLE booking LOGIN SUPERUSER CREATEDB PASSWORD 'booking';
  END IF;
END
$$;
SELECT 'CREATE DATABASE booking OWNER booking' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'booking') \gexec
SQL
  then
    log_tail "$pgdir/setup.log" "$log"
    return 1
  fi
}

pg_stop() {
  local dir=$1 bin data=$1/pg/data pid
  [ -f "$data/postmaster.pid" ] || return 0
  pid=$(read_pid "$data/postmaster.pid")
  pid_is "$pid" postgres || { rm -f "$data/postmaster.pid"; return 0; }
  bin=$(pg_bin_dir || true)
  if [ -n "$bin" ]; then
    as_user postgres "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >>"$dir/pg/pg_ctl.log" 2>&1 || true
  fi
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 20 || kill -KILL "$pid" 2>/dev/null || true
  fi
}

# --------------------------------------------------------------------------------------------
# Redis

redis_start() {
  local dir=$1 port=$2 rdir=$1/redis i
  mkdir -p "$rdir"
  rm -f "$rdir/redis.pid"
  : >"$rdir/redis.log"
  if ! (cd "$rdir" && redis-server --port "$port" --bind 127.0.0.1 --protected-mode no \
    --dir "$rdir" --daemonize yes --pidfile "$rdir/redis.pid" --logfile "$rdir/redis.log" \
    --appendonly yes --appendfsync everysec --save "" --unixsocket "" \
    >"$rdir/start.log" 2>&1 </dev/null); then
    log_tail "$rdir/start.log" "$rdir/redis.log"
    return 1
  fi
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; then
      # wait for the pid file too, `down` needs it
      [ -s "$rdir/redis.pid" ] && return 0
    fi
    sleep 0.1
  done
  say "redis did not answer PING on 127.0.0.1:$port within ${START_TIMEOUT}s"
  log_tail "$rdir/start.log" "$rdir/redis.log"
  return 1
}

redis_stop() {
  local rdir=$1/redis pid
  pid=$(read_pid "$rdir/redis.pid")
  pid_is "$pid" redis || { rm -f "$rdir/redis.pid"; return 0; }
  # SIGTERM = graceful shutdown (flushes the AOF), like SHUTDOWN without touching the network
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" 30 || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$rdir/redis.pid"
}

# --------------------------------------------------------------------------------------------
# RabbitMQ

# The environment shared by the broker, its CLI tools and `down`; one VAR=VALUE per line.
# `+S 1:1`: one Erlang scheduler thread. On a small machine that the broker shares with the services (CI, the
# benchmarks), a second scheduler mostly hands messages between threads: at a steady 1,000 holds/s the broker took
# 35-36% of a core with one, against 46-47% with two, and many-sales committed as many holds (BENCHMARKS.md).
rabbit_write_env() {
  local dir=$1 amqp=$2 dist=$3 epmd=$4 r=$1/rabbitmq
  cat >"$r/rabbit.env" <<EOF
HOME=$r/home
RABBITMQ_NODENAME=booking-$amqp@localhost
RABBITMQ_USE_LONGNAME=false
RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
RABBITMQ_NODE_PORT=$amqp
RABBITMQ_DIST_PORT=$dist
ERL_EPMD_PORT=$epmd
ERL_EPMD_ADDRESS=127.0.0.1
RABBITMQ_MNESIA_BASE=$r/mnesia
RABBITMQ_LOG_BASE=$r/log
RABBITMQ_PID_FILE=$r/rabbit.pid
RABBITMQ_CONF_ENV_FILE=$r/rabbitmq-env.conf
RABBITMQ_CONFIG_FILE=$r/rabbitmq.conf
RABBITMQ_ADVANCED_CONFIG_FILE=$r/advanced.config
RABBITMQ_ENABLED_PLUGINS_FILE=$r/enabled_plugins
RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1} +S 1:1
RABBITMQ_CTL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}
EOF
}

rabbit_env_array() { mapfile -t RABBIT_ENV <"$1/rabbitmq/rabbit.env"; }

rabbit_start() {
  local dir=$1 amqp=$2 dist=$3 epmd=$4 r=$1/rabbitmq i wpid
  mkdir -p "$r/mnesia" "$r/log" "$r/home"
  if [ ! -s "$r/home/.erlang.cookie" ]; then
    # 20 random upper-case letters, the format erlang generates itself
    local cookie='' b
    for b in $(od -An -N20 -tu1 /dev/urandom); do cookie+=$(printf "\\x$(printf %x $((65 + b % 26)))"); done
    printf '%s' "$cookie" >"$r/home/.erlang.cookie"
  fi
  chmod 400 "$r/home/.erlang.cookie"
  : >"$r/rabbitmq-env.conf"                     # keep /etc/rabbitmq/rabbitmq-env.conf out
  [ -f "$r/rabbitmq.conf" ] || cat >"$r/rabbitmq.conf" <<'EOF'
# private broker for the booking project (scripts/servers.sh); listener set via RABBITMQ_NODE_*
log.console = false
log.file.level = info
EOF
  [ -f "$r/advanced.config" ] || echo '[].' >"$r/advanced.config"
  [ -f "$r/enabled_plugins" ] || echo '[].' >"$r/enabled_plugins"
  rabbit_write_env "$dir" "$amqp" "$dist" "$epmd"
  chown -R rabbitmq:rabbitmq "$r"
  chmod 700 "$r/home"
  rabbit_env_array "$dir"

  # our own epmd on a private port, in its own session, so `down` can stop exactly it
  rm -f "$r/epmd.pid" "$r/wrapper.pid" "$r/rabbit.pid"
  as_user_exec rabbitmq "${RABBIT_ENV[@]}" setsid bash -c 'echo $$ >"$1"; exec epmd -port "$2" -address 127.0.0.1' \
    _ "$r/epmd.pid.tmp" "$epmd" >"$r/log/epmd.log" 2>&1 </dev/null &
  for ((i = 0; i < 100; i++)); do port_answers "$epmd" && break; sleep 0.1; done
  mv -f "$r/epmd.pid.tmp" "$r/epmd.pid" 2>/dev/null || true
  if ! port_answers "$epmd"; then
    say "epmd did not start on 127.0.0.1:$epmd"
    log_tail "$r/log/epmd.log"
    return 1
  fi

  # the broker: wrapper script (pid in wrapper.pid) -> beam.smp (pid in rabbit.pid)
  as_user_exec rabbitmq "${RABBIT_ENV[@]}" setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' \
    _ "$r/wrapper.pid.tmp" "$RABBIT_LIB/rabbitmq-server" >"$r/log/startup.log" 2>&1 </dev/null &
  for ((i = 0; i < 50; i++)); do [ -s "$r/wrapper.pid.tmp" ] && break; sleep 0.1; done
  mv -f "$r/wrapper.pid.tmp" "$r/wrapper.pid" 2>/dev/null || true
  wpid=$(read_pid "$r/wrapper.pid")
  for ((i = 0; i < START_TIMEOUT * 4; i++)); do
    if amqp_ready "$amqp"; then return 0; fi
    if ! pid_alive "$wpid"; then
      say "rabbitmq exited during start"
      log_tail "$r/log/startup.log" "$r/log/booking-$amqp@localhost.log"
      return 1
    fi
    sleep 0.25
  done
  say "rabbitmq did not accept AMQP on 127.0.0.1:$amqp within ${START_TIMEOUT}s"
  log_tail "$r/log/startup.log" "$r/log/booking-$amqp@localhost.log"
  return 1
}

rabbit_stop() {
  local r=$1/rabbitmq wpid bpid epid
  wpid=$(read_pid "$r/wrapper.pid")
  bpid=$(read_pid "$r/rabbit.pid")
  epid=$(read_pid "$r/epmd.pid")
  pid_is "$wpid" rabbitmq || wpid=
  pid_is "$bpid" beam || bpid=
  pid_is "$epid" epmd || epid=
  # SIGTERM to the wrapper makes it SIGTERM the VM, which shuts RabbitMQ down cleanly
  if [ -n "$wpid" ]; then kill -TERM "$wpid" 2>/dev/null || true
  elif [ -n "$bpid" ]; then kill -TERM "$bpid" 2>/dev/null || true; fi
  if [ -n "$bpid" ]; then wait_gone "$bpid" 30 || kill -KILL "$bpid" 2>/dev/null || true; fi
  if [ -n "$wpid" ]; then
    wait_gone "$wpid" 10 || kill -KILL "$wpid" 2>/dev/null || true
    # leftovers in the broker's own session/process group (erl_child_setup, inet_gethost ...)
    kill -KILL -- "-$wpid" 2>/dev/null || true
  fi
  if [ -n "$epid" ]; then
    kill -TERM "$epid" 2>/dev/null || true
    wait_gone "$epid" 10 || kill -KILL "$epid" 2>/dev/null || true
  fi
  rm -f "$r/wrapper.pid" "$r/rabbit.pid" "$r/epmd.pid"
}

# --------------------------------------------------------------------------------------------
# commands

resolve_dir() {
  local d=$1
  mkdir -p "$d"
  (cd "$d" && pwd -P)
}

write_env_file() {
  local dir=$1 pg=$2 redis=$3 amqp=$4 dist=$5 epmd=$6
  local tmp=$dir/servers.env.tmp
  cat >"$tmp" <<EOF
# written by scripts/servers.sh up; source this file. Stop with: bash scripts/servers.sh down $dir
export BOOKING_SERVERS_DIR='$dir'
export BOOKING_PG_PORT=$pg
export BOOKING_REDIS_PORT=$redis
export BOOKING_RABBIT_PORT=$amqp
export BOOKING_RABBIT_DIST_PORT=$dist
export BOOKING_EPMD_PORT=$epmd
export BOOKING_RABBIT_NODENAME='booking-$amqp@localhost'
export BOOKING_PG_SOCKET_DIR='$dir/pg/run'
export ConnectionStrings__Postgres='Host=127.0.0.1;Port=$pg;Username=booking;Password=booking;Database=booking'
export ConnectionStrings__Redis='127.0.0.1:$redis'
export ConnectionStrings__RabbitMq='amqp://guest:guest@127.0.0.1:$amqp/'
EOF
  mv -f "$tmp" "$dir/servers.env"
  chmod 644 "$dir/servers.env"
}

# status DIR -> 0 when all three servers of DIR answer on the ports in servers.env
all_up() {
  local dir=$1
  [ -f "$dir/servers.env" ] || return 1
  (
    set +u
    # shellcheck disable=SC1091
    . "$dir/servers.env"
    [ -n "$BOOKING_PG_PORT" ] || exit 1
    pid_alive "$(read_pid "$dir/pg/data/postmaster.pid")" || exit 1
    "$(pg_bin_dir)/pg_isready" -q -h 127.0.0.1 -p "$BOOKING_PG_PORT" -t 3 || exit 1
    pid_alive "$(read_pid "$dir/redis/redis.pid")" || exit 1
    [ "$(redis-cli -h 127.0.0.1 -p "$BOOKING_REDIS_PORT" ping 2>/dev/null)" = PONG ] || exit 1
    pid_alive "$(read_pid "$dir/rabbitmq/wrapper.pid")" || exit 1
    amqp_ready "$BOOKING_RABBIT_PORT" || exit 1
  )
}

stop_all() {
  local dir=$1
  rabbit_stop "$dir"
  redis_stop "$dir"
  pg_stop "$dir"
  release_ports "$dir"
}

cmd_up() {
  local dir=${1:-}
  [ "$(id -u)" = 0 ] || die "run as root (PostgreSQL and RabbitMQ are started as their own OS users)"
  if [ -z "$dir" ]; then dir=$(mktemp -d /tmp/booking-servers.XXXXXX); fi
  dir=$(resolve_dir "$dir")
  chmod 755 "$dir"
  touch "$dir/.booking-servers"
  local t0=$SECONDS

  if ! have_all_binaries; then install_packages "$dir/install.log"; fi

  if all_up "$dir"; then
    say "already running in $dir"
    echo "source $dir/servers.env"
    return 0
  fi
  stop_all "$dir"                        # leftovers of a half-started or crashed earlier `up`

  for u in postgres rabbitmq; do
    as_user "$u" test -x "$dir" -a -r "$dir" ||
      die "$dir is not reachable by the '$u' user (a parent directory is not world-executable); use a dir under /tmp"
  done

  CLAIMED=$dir/.claimed-ports
  local pg redis amqp dist epmd
  pg=$(pick_port); redis=$(pick_port); amqp=$(pick_port); dist=$(pick_port); epmd=$(pick_port)
  rm -f "$dir/servers.env"

  local failed=
  # Start RabbitMQ first (slowest, mostly waiting on the Erlang VM), then the others meanwhile.
  rabbit_start "$dir" "$amqp" "$dist" "$epmd" >"$dir/rabbitmq-start.out" 2>&1 &
  local rabbit_job=$!
  pg_start "$dir" "$pg" || { say "postgresql failed to start (logs in $dir/pg)"; failed=1; }
  if [ -z "$failed" ]; then
    redis_start "$dir" "$redis" || { say "redis failed to start (logs in $dir/redis)"; failed=1; }
  fi
  if ! wait "$rabbit_job"; then
    cat "$dir/rabbitmq-start.out" >&2
    say "rabbitmq failed to start (logs in $dir/rabbitmq/log)"
    failed=1
  fi
  if [ -n "$failed" ]; then
    say "stopping what did start"
    stop_all "$dir"
    exit 1
  fi

  write_env_file "$dir" "$pg" "$redis" "$amqp" "$dist" "$epmd"
  say "up in $((SECONDS - t0))s: postgres 127.0.0.1:$pg, redis 127.0.0.1:$redis, rabbitmq 127.0.0.1:$amqp (dir $dir)"
  echo "source $dir/servers.env"
}

cmd_down() {
  local dir=${1:-} purge=${2:-}
  [ -n "$dir" ] || die "usage: servers.sh down DIR [--purge]"
  [ -d "$dir" ] || { say "$dir does not exist; nothing to stop"; return 0; }
  dir=$(cd "$dir" && pwd -P)
  [ -f "$dir/.booking-servers" ] || die "$dir was not created by 'servers.sh up'"
  stop_all "$dir"
  rm -f "$dir/servers.env"
  if [ "$purge" = --purge ]; then
    rm -rf "$dir"
    say "stopped and removed $dir"
  else
    say "stopped (data kept in $dir)"
  fi
}

cmd_env() {
  local dir=${1:-}
  [ -n "$dir" ] || die "usage: servers.sh env DIR"
  [ -f "$dir/servers.env" ] || die "$dir/servers.env not found (servers not up?)"
  grep '^export ' "$dir/servers.env"
}

cmd_status() {
  local dir=${1:-}
  [ -n "$dir" ] || die "usage: servers.sh status DIR"
  if all_up "$dir"; then say "all servers in $dir are up"; else say "servers in $dir are NOT (all) up"; return 1; fi
}

cmd_rabbit_cli() {
  local tool=$1 dir=${2:-}
  [ -n "$dir" ] && [ -f "$dir/rabbitmq/rabbit.env" ] || die "usage: servers.sh $tool DIR ARGS... (after up)"
  shift 2
  rabbit_env_array "$dir"
  as_user rabbitmq "${RABBIT_ENV[@]}" "$RABBIT_LIB/$tool" "$@"
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    env) cmd_env "$@" ;;
    status) cmd_status "$@" ;;
    rabbitmqctl | rabbitmq-diagnostics | rabbitmq-plugins | rabbitmq-queues) cmd_rabbit_cli "$cmd" "$@" ;;
    *) usage ;;
  esac
}

main "$@"

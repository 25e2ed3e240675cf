# Throwaway PostgreSQL and Redis for the scale-out tests (ImagePipeline.Tests/Scale). Sourced by test.sh:
#   source .ci/services.sh && start_test_services      (exports IMAGEPIPELINE_TEST_POSTGRES and IMAGEPIPELINE_TEST_REDIS)
#   stop_test_services                                  (test.sh calls it from its EXIT trap)
# Installs Debian's postgresql and redis-server when missing. PostgreSQL: a fresh cluster (initdb into a temp dir, run
# as the postgres user, trust authentication) listening on 127.0.0.1 only, on a free port. Redis: 127.0.0.1 only, on a
# free port, no persistence. Both are gone after stop_test_services.

_services_dir=""
_services_pg_ctl=""
_services_redis_pid=""

_free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

_install_if_missing() {
  local missing=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing Debian's ${missing[*]} for the scale-out tests..."
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null || {
      echo "Could not install ${missing[*]}"; return 1; }
  fi
}

# Runs a command as the postgres user (initdb and the server refuse to run as root).
_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$*"
  else
    sh -c "$*"
  fi
}

start_test_services() {
  _install_if_missing || return 1
  local bin
  bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
  _services_dir=$(mktemp -d /tmp/ip-services.XXXXXX)
  chmod 755 "$_services_dir"
  mkdir -p "$_services_dir/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$_services_dir/pg"

  local pg_port redis_port
  pg_port=$(_free_port) || { echo "No free port for PostgreSQL"; return 1; }
  _as_postgres "'$bin/initdb' -D '$_services_dir/pg/data' -U postgres -A trust -E UTF8 --no-locale >'$_services_dir/pg/initdb.log' 2>&1" || {
    cat "$_services_dir/pg/initdb.log"; echo "initdb failed"; return 1; }
  _services_pg_ctl="$bin/pg_ctl"
  _as_postgres "'$bin/pg_ctl' -D '$_services_dir/pg/data' -l '$_services_dir/pg/server.log' -w -t 60 \
    -o \"-p $pg_port -c listen_addresses=127.0.0.1 -k '$_services_dir/pg' -c fsync=off -c max_connections=300\" start >/dev/null" || {
    cat "$_services_dir/pg/server.log"; echo "PostgreSQL did not start"; return 1; }

  redis_port=$(_free_port) || { echo "No free port for Redis"; return 1; }
  redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --daemonize yes \
    --dir "$_services_dir" --pidfile "$_services_dir/redis.pid" --logfile "$_services_dir/redis.log" || {
    echo "Redis did not start"; return 1; }
  for _ in $(seq 1 100); do
    redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  _services_redis_pid=$(cat "$_services_dir/redis.pid" 2>/dev/null)

  export IMAGEPIPELINE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres"
  export IMAGEPIPELINE_TEST_REDIS="127.0.0.1:$redis_port"
  echo "Test services: PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"
}

stop_test_services() {
  if [ -n "$_services_pg_ctl" ] && [ -n "$_services_dir" ]; then
    _as_postgres "'$_services_pg_ctl' -D '$_services_dir/pg/data' -m immediate -w stop >/dev/null 2>&1" || true
  fi
  if [ -n "$_services_redis_pid" ]; then
    kill "$_services_redis_pid" 2>/dev/null || true
  fi
  [ -n "$_services_dir" ] && rm -rf "$_services_dir"
  _services_dir=""; _services_pg_ctl=""; _services_redis_pid=""
}

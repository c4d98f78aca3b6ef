#!/usr/bin/env bash
# Local Neo4j Community server for Lotsennetz development, tests and CI.
#
# Assembles a real Neo4j Community server (pinned 5.26 LTS release) from Maven Central jars
# (no Docker, no tarball download) and runs it in the background, bound to 127.0.0.1 only,
# with authentication on. Needs Java 17+ and Maven.
#
# Usage: scripts/neo4j.sh install|start|stop|restart|status|env|reset|logs
#   install  fetch the jars into $LOTSENNETZ_NEO4J_HOME/lib (cached, skipped when complete)
#   start    install if needed, write conf, set the initial password on a new data dir,
#            start the server and wait until Bolt answers (idempotent)
#   stop     SIGTERM, wait, then SIGKILL (idempotent)
#   status   print "running (pid N, bolt://127.0.0.1:PORT)" and exit 0, else exit 1
#   env      print export lines for LOTSENNETZ_NEO4J_URI/USER/PASSWORD/DATABASE:
#              eval "$(scripts/neo4j.sh env)"
#   reset    stop and delete the data dir (next start creates a fresh database)
#   logs     print the tail of the server log
#
# Environment (all optional):
#   LOTSENNETZ_NEO4J_HOME           default <repo>/target/neo4j (lib/, conf/, data/, logs/, run/)
#   LOTSENNETZ_NEO4J_BOLT_PORT      default 7687
#   LOTSENNETZ_NEO4J_PASSWORD       default lotsennetz-dev (user neo4j; at least 8 characters;
#                                   only applied when the data dir is created, see `reset`)
#   LOTSENNETZ_NEO4J_HEAP           default 512m
#   LOTSENNETZ_NEO4J_PAGECACHE      default 256m
#   LOTSENNETZ_NEO4J_TX_MEMORY      memory all transactions together may use
#                                   (dbms.memory.transaction.total.max), default Neo4j's own
#                                   (70 % of the heap); small values let tests provoke the limit
#   LOTSENNETZ_NEO4J_START_TIMEOUT  seconds, default 120
#   LOTSENNETZ_NEO4J_STOP_TIMEOUT   seconds, default 60
#   JAVA_HOME                       Java used is $JAVA_HOME/bin/java, else java on PATH
#
# The server's own output goes to files under $LOTSENNETZ_NEO4J_HOME/logs; this script's
# messages go to stderr, only `status` and `env` write to stdout.
set -euo pipefail

NEO4J_VERSION=5.26.30
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N4J_HOME="${LOTSENNETZ_NEO4J_HOME:-$REPO_ROOT/target/neo4j}"
[[ "$N4J_HOME" == /* ]] || N4J_HOME="$PWD/$N4J_HOME"
N4J_HOME="${N4J_HOME%/}"
BOLT_PORT="${LOTSENNETZ_NEO4J_BOLT_PORT:-7687}"
PASSWORD="${LOTSENNETZ_NEO4J_PASSWORD:-lotsennetz-dev}"
HEAP="${LOTSENNETZ_NEO4J_HEAP:-512m}"
PAGECACHE="${LOTSENNETZ_NEO4J_PAGECACHE:-256m}"
TX_MEMORY="${LOTSENNETZ_NEO4J_TX_MEMORY:-}"
START_TIMEOUT="${LOTSENNETZ_NEO4J_START_TIMEOUT:-120}"
STOP_TIMEOUT="${LOTSENNETZ_NEO4J_STOP_TIMEOUT:-60}"
SERVER_LOG_OFFSET=0
CONSOLE_LOG_OFFSET=0

LIB_DIR="$N4J_HOME/lib"
CONF_DIR="$N4J_HOME/conf"
DATA_DIR="$N4J_HOME/data"
LOGS_DIR="$N4J_HOME/logs"
RUN_DIR="$N4J_HOME/run"
PID_FILE="$RUN_DIR/neo4j.pid"
PORT_FILE="$RUN_DIR/bolt.port"
MARKER="$LIB_DIR/.lotsennetz-installed"
SERVER_LOG="$LOGS_DIR/neo4j.log"
CONSOLE_LOG="$LOGS_DIR/console.log"
PASSWORD_MARK="$DATA_DIR/.lotsennetz-initial-password.sha256"

# JVM flags of Neo4j's default neo4j.conf (server.jvm.additional); without them the page
# cache falls back to a slower mode and native file access (preallocation, fadvise) fails.
JVM_FLAGS=(
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -Dfile.encoding=UTF-8
)

log() { printf 'neo4j.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    printf '%s\n' "$JAVA_HOME/bin/java"
  else
    command -v java || die "java not found (Java 17 or 21 needed)"
  fi
}

check_java() {
  local java major
  java="$(java_bin)"
  major="$("$java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = //p')"
  major="${major%%.*}"
  [[ "$major" =~ ^[0-9]+$ ]] || die "cannot determine the version of $java"
  ((major >= 17)) || die "Neo4j $NEO4J_VERSION needs Java 17 or 21, $java is $major"
}

check_settings() {
  if ! [[ "$BOLT_PORT" =~ ^[0-9]+$ ]] || ((BOLT_PORT < 1 || BOLT_PORT > 65535)); then
    die "LOTSENNETZ_NEO4J_BOLT_PORT is not a port: $BOLT_PORT"
  fi
  ((${#PASSWORD} >= 8)) || die "LOTSENNETZ_NEO4J_PASSWORD must have at least 8 characters"
  [[ "$START_TIMEOUT" =~ ^[0-9]+$ ]] || die "LOTSENNETZ_NEO4J_START_TIMEOUT must be seconds"
  [[ "$STOP_TIMEOUT" =~ ^[0-9]+$ ]] || die "LOTSENNETZ_NEO4J_STOP_TIMEOUT must be seconds"
  [[ -z "$TX_MEMORY" || "$TX_MEMORY" =~ ^[0-9]+[kKmMgG]?$ ]] ||
    die "LOTSENNETZ_NEO4J_TX_MEMORY must be a size such as 10m: $TX_MEMORY"
}

# ---------------------------------------------------------------------------------- install

installed() {
  [[ -f "$MARKER" && "$(cat "$MARKER")" == "$NEO4J_VERSION" && -f "$LIB_DIR/neo4j-$NEO4J_VERSION.jar" ]]
}

cmd_install() {
  if installed; then
    log "Neo4j $NEO4J_VERSION already installed in $LIB_DIR"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (Maven is needed to fetch the Neo4j jars)"
  check_java
  local started=$SECONDS tmp="$N4J_HOME/lib.tmp"
  log "installing Neo4j Community $NEO4J_VERSION from Maven Central into $LIB_DIR ..."
  mkdir -p "$N4J_HOME"
  cat >"$N4J_HOME/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/neo4j.sh: the jars of a Neo4j Community server. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>lotsennetz.local</groupId>
  <artifactId>neo4j-server-lib</artifactId>
  <version>$NEO4J_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId>
      <artifactId>neo4j</artifactId>
      <version>$NEO4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
  rm -rf "$tmp"
  if ! mvn -B -Dstyle.color=never -f "$N4J_HOME/pom.xml" "$DEPENDENCY_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$N4J_HOME/install.log" 2>&1; then
    rm -rf "$tmp"
    tail -n 30 "$N4J_HOME/install.log" >&2 || true
    die "mvn could not fetch org.neo4j:neo4j:$NEO4J_VERSION and its dependencies (see $N4J_HOME/install.log)"
  fi
  [[ -f "$tmp/neo4j-$NEO4J_VERSION.jar" ]] || die "mvn finished but $tmp/neo4j-$NEO4J_VERSION.jar is missing"
  printf '%s\n' "$NEO4J_VERSION" >"$tmp/.lotsennetz-installed"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  log "installed $(find "$LIB_DIR" -name '*.jar' | wc -l) jars in $((SECONDS - started)) s"
}

# ---------------------------------------------------------------------------------- helpers

# Prints the pid of our running server, or fails.
running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a reused pid: the process must be our server for this home dir.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
    grep -qF "org.neo4j.server.CommunityEntryPoint --home-dir=$N4J_HOME " || return 1
  printf '%s\n' "$pid"
}

running_port() {
  if [[ -f "$PORT_FILE" ]]; then cat "$PORT_FILE"; else printf '%s\n' "$BOLT_PORT"; fi
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Bolt handshake offering 4.4 first (the version neo4rs speaks), then 5.0-5.8;
# succeeds when the server agrees on a version. Prints the agreed version.
bolt_handshake() {
  local reply bytes
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  reply="$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x60\x60\xb0\x17\x00\x00\x04\x04\x00\x08\x08\x05\x00\x00\x00\x00\x00\x00\x00\x00" >&3
    head -c 4 <&3 | od -An -tu1' _ "$1" 2>/dev/null)" || return 1
  read -r -a bytes <<<"$reply"
  ((${#bytes[@]} == 4)) || return 1
  ((bytes[2] + bytes[3] > 0)) || return 1
  printf '%s.%s\n' "${bytes[3]}" "${bytes[2]}"
}

write_conf() {
  mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOGS_DIR" "$RUN_DIR"
  cat >"$CONF_DIR/neo4j.conf" <<EOF
# Generated by scripts/neo4j.sh on each start; edits are overwritten.
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$BOLT_PORT
server.bolt.advertised_address=127.0.0.1:$BOLT_PORT
server.bolt.tls_level=DISABLED
server.http.enabled=false
server.https.enabled=false
dbms.security.auth_enabled=true
server.memory.heap.initial_size=$HEAP
server.memory.heap.max_size=$HEAP
server.memory.pagecache.size=$PAGECACHE
$([[ -n "$TX_MEMORY" ]] && printf 'dbms.memory.transaction.total.max=%s\n' "$TX_MEMORY")
dbms.usage_report.enabled=false
initial.dbms.default_database=neo4j
server.directories.data=$DATA_DIR
server.directories.logs=$LOGS_DIR
server.directories.run=$RUN_DIR
# Netty's quiet period (default 5 s, waited once per Bolt event loop group) made every stop
# take about 10 s; a local dev/test server has no in-flight clients worth waiting for.
internal.dbms.bolt.netty_server_shutdown_quiet_period=0
# Keep the disk footprint small: no 256 MiB preallocated transaction log per database.
db.tx_log.preallocate=false
db.tx_log.rotation.retention_policy=256M size
# Used only when the server is started through Neo4j's own launcher (Neo4jCommand);
# this script passes the same flags itself.
$(printf 'server.jvm.additional=%s\n' "${JVM_FLAGS[@]}")
EOF
}

password_hash() { printf '%s' "$PASSWORD" | sha256sum | cut -d' ' -f1; }

set_initial_password_if_new() {
  if [[ -d "$DATA_DIR/databases/system" ]]; then
    if [[ -f "$PASSWORD_MARK" && "$(cat "$PASSWORD_MARK")" != "$(password_hash)" ]]; then
      log "warning: the database was created with a different password than LOTSENNETZ_NEO4J_PASSWORD;"
      log "         the stored one stays in force (run 'scripts/neo4j.sh reset' to start over)"
    fi
    return 0
  fi
  log "new data dir: setting the initial password of user neo4j"
  if ! NEO4J_HOME="$N4J_HOME" NEO4J_CONF="$CONF_DIR" \
    "$(java_bin)" -cp "$LIB_DIR/*" -Xmx256m "${JVM_FLAGS[@]}" \
    org.neo4j.server.startup.Neo4jAdminCommand dbms set-initial-password "$PASSWORD" \
    >>"$LOGS_DIR/admin.log" 2>&1; then
    tail -n 20 "$LOGS_DIR/admin.log" >&2 || true
    die "setting the initial password failed (see $LOGS_DIR/admin.log)"
  fi
  password_hash >"$PASSWORD_MARK"
}

# Prints the last lines that the current start wrote to the server and console logs.
log_tail() {
  local f offset
  for f in "$SERVER_LOG" "$CONSOLE_LOG"; do
    offset=0
    [[ "$f" == "$SERVER_LOG" ]] && offset="$SERVER_LOG_OFFSET"
    [[ "$f" == "$CONSOLE_LOG" ]] && offset="$CONSOLE_LOG_OFFSET"
    if [[ -s "$f" ]] && (($(stat -c %s "$f") > offset)); then
      log "--- last lines of $f ---"
      tail -c +"$((offset + 1))" "$f" | tail -n 40 >&2
    fi
  done
  log "(more in $LOGS_DIR/debug.log)"
}

# ---------------------------------------------------------------------------------- commands

cmd_start() {
  check_settings
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid, bolt://127.0.0.1:$(running_port))"
    return 0
  fi
  rm -f "$PID_FILE" "$PORT_FILE"
  if port_open "$BOLT_PORT"; then
    die "port 127.0.0.1:$BOLT_PORT is already in use by another process (set LOTSENNETZ_NEO4J_BOLT_PORT)"
  fi
  cmd_install
  check_java
  local started=$SECONDS
  write_conf
  set_initial_password_if_new

  # Only log lines written by this start count (for readiness and for error output).
  SERVER_LOG_OFFSET=0
  CONSOLE_LOG_OFFSET=0
  [[ -f "$SERVER_LOG" ]] && SERVER_LOG_OFFSET="$(stat -c %s "$SERVER_LOG")"
  printf '=== start %s ===\n' "$(date -Is)" >>"$CONSOLE_LOG"
  CONSOLE_LOG_OFFSET="$(stat -c %s "$CONSOLE_LOG")"

  log "starting Neo4j $NEO4J_VERSION (bolt://127.0.0.1:$BOLT_PORT, home $N4J_HOME) ..."
  # setsid: the server gets its own session, so it survives the shell that started it and
  # is not hit by signals sent to that shell's process group.
  NEO4J_HOME="$N4J_HOME" NEO4J_CONF="$CONF_DIR" setsid "$(java_bin)" \
    -cp "$CONF_DIR/*:$LIB_DIR/*" \
    -Xms"$HEAP" -Xmx"$HEAP" "${JVM_FLAGS[@]}" \
    org.neo4j.server.CommunityEntryPoint \
    --home-dir="$N4J_HOME" --config-dir="$CONF_DIR" \
    </dev/null >>"$CONSOLE_LOG" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"
  printf '%s\n' "$BOLT_PORT" >"$PORT_FILE"

  local deadline=$((SECONDS + START_TIMEOUT)) new_log version
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE" "$PORT_FILE"
      log_tail
      die "the Neo4j server exited during startup"
    fi
    new_log="$(tail -c +"$((SERVER_LOG_OFFSET + 1))" "$SERVER_LOG" 2>/dev/null || true)"
    if grep -q 'Bolt enabled on' <<<"$new_log" && grep -q 'Started\.' <<<"$new_log" &&
      version="$(bolt_handshake "$BOLT_PORT")"; then
      break
    fi
    if ((SECONDS >= deadline)); then
      log_tail
      log "Bolt did not answer within ${START_TIMEOUT} s; stopping the half-started server"
      stop_pid "$pid"
      die "Neo4j did not become ready within ${START_TIMEOUT} s"
    fi
    sleep 1
  done
  log "running (pid $pid, bolt://127.0.0.1:$BOLT_PORT, Bolt $version agreed) after $((SECONDS - started)) s"
}

# SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL.
stop_pid() {
  local pid="$1" deadline=$((SECONDS + STOP_TIMEOUT))
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "no exit after ${STOP_TIMEOUT} s, sending SIGKILL to pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.5
  done
  rm -f "$PID_FILE" "$PORT_FILE"
}

cmd_stop() {
  local pid started=$SECONDS
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE" "$PORT_FILE"
    log "not running"
    return 0
  fi
  log "stopping Neo4j (pid $pid) ..."
  stop_pid "$pid"
  log "stopped after $((SECONDS - started)) s"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    printf 'running (pid %s, bolt://127.0.0.1:%s)\n' "$pid" "$(running_port)"
    return 0
  fi
  printf 'not running\n'
  return 1
}

cmd_env() {
  local port="$BOLT_PORT"
  running_pid >/dev/null && port="$(running_port)"
  printf 'export LOTSENNETZ_NEO4J_URI=%q\n' "bolt://127.0.0.1:$port"
  printf 'export LOTSENNETZ_NEO4J_USER=neo4j\n'
  printf 'export LOTSENNETZ_NEO4J_PASSWORD=%q\n' "$PASSWORD"
  printf 'export LOTSENNETZ_NEO4J_DATABASE=neo4j\n'
}

cmd_reset() {
  cmd_stop
  log "deleting $DATA_DIR"
  rm -rf "$DATA_DIR"
}

cmd_logs() {
  [[ -f "$SERVER_LOG" ]] || die "no log yet at $SERVER_LOG"
  tail -n "${1:-50}" "$SERVER_LOG"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop && cmd_start ;;
  status) cmd_status ;;
  env) cmd_env ;;
  reset) cmd_reset ;;
  logs) cmd_logs "${2:-50}" ;;
  *)
    sed -n '8,17p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Peer comparison in one run: the machine's physical limits (fio, iperf3, memory copy), the peer systems
# (Redis Streams, NATS JetStream, RabbitMQ streams, ActiveMQ) and Samsa, all on this machine and on
# 127.0.0.1 only, driven by one C# harness (bench/Samsa.Bench.Compare). Samsa is measured twice against the
# same broker: with Confluent.Kafka through the harness, and with `samsa perf` (this repository's client,
# run by the harness's samsa-perf command over the same grid). Writes bench/results/<date>.md,
# the run's JSON under bench/results/<date>/, and the summary under "## Peer comparison" in bench/README.md.
#
# Every server is started from a private config and data directory under a temporary folder, on a free
# loopback port, and stopped by PID when the script exits (also on failure or Ctrl-C). See usage below.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/compare.sh [options]

  --quick                 small counts and short deadlines, to validate the pipeline (numbers are noisy)
  --skip LIST             skip steps: physical,redis,nats,rabbitmq,activemq,samsa,kafka-mock (comma separated);
                          samsa-perf skips only Samsa's second row, measured with `samsa perf`
  --only LIST             run only these steps
  --skip-peers            same as --skip redis,nats,rabbitmq,activemq
  --skip-samsa            same as --skip samsa
  --samsa-bootstrap H:P   measure a Kafka-compatible broker already listening on this loopback address
                          instead of starting Samsa
  --samsa-cmd CMD         command that starts Samsa; {port} and {data} are replaced (default: the built
                          src/Samsa.Cli: samsa server --override log.dirs={data} --override listeners=PLAINTEXT://127.0.0.1:{port})
  --activemq-home DIR     an ActiveMQ distribution whose lib/ has the AMQP transport (activemq-amqp, proton-j):
                          ActiveMQ is then measured over AMQP 1.0 instead of MQTT
  --kafka-mock            also run the Kafka driver against librdkafka's mock cluster (a driver self-check;
                          on by default with --quick)
  --repeats N             repeats per configuration (default 3, quick 2)
  --max-minutes N         no new step starts after N minutes (default 30)
  --out FILE              results file (default bench/results/<UTC date>.md)
  --no-readme             do not update bench/README.md nor the measured table of docs/comparison.md
  --no-install            do not apt-get install missing packages
  --keep-tmp              keep the temporary folder (configs, data, logs) for inspection
EOF
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

QUICK=0 SKIP="" ONLY="" SAMSA_BOOTSTRAP="" SAMSA_CMD="" ACTIVEMQ_HOME_DIST=""
KAFKA_MOCK="" REPEATS="" MAX_MINUTES=30 OUT="" UPDATE_README=1 INSTALL=1 KEEP_TMP=0
ARGS_TEXT="bench/compare.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --skip) SKIP="$SKIP,$2"; shift ;;
    --only) ONLY="$2"; shift ;;
    --skip-peers) SKIP="$SKIP,redis,nats,rabbitmq,activemq" ;;
    --skip-samsa) SKIP="$SKIP,samsa" ;;
    --samsa-bootstrap) SAMSA_BOOTSTRAP="$2"; shift ;;
    --samsa-cmd) SAMSA_CMD="$2"; shift ;;
    --activemq-home) ACTIVEMQ_HOME_DIST="$2"; shift ;;
    --kafka-mock) KAFKA_MOCK=1 ;;
    --repeats) REPEATS="$2"; shift ;;
    --max-minutes) MAX_MINUTES="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --no-readme) UPDATE_README=0 ;;
    --no-install) INSTALL=0 ;;
    --keep-tmp) KEEP_TMP=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# --- sizes of the run -------------------------------------------------------------------------------
if [ "$QUICK" -eq 1 ]; then
  MODE="quick"
  : "${REPEATS:=2}"
  RUN_MB=10 PHASE_S=5 LAT_RATE=5000 LAT_S=3 PEER_BUDGET=90 SAMSA_BUDGET=240
  FIO_SIZE=256M FIO_RUNTIME=8 FIO_REPEATS=1 IPERF_S=2 IPERF_REPEATS=1 MEM_S=1
  : "${KAFKA_MOCK:=1}"
else
  MODE="full"
  : "${REPEATS:=3}"
  RUN_MB=100 PHASE_S=10 LAT_RATE=50000 LAT_S=10 PEER_BUDGET=240 SAMSA_BUDGET=480
  FIO_SIZE=1G FIO_RUNTIME=20 FIO_REPEATS=3 IPERF_S=5 IPERF_REPEATS=3 MEM_S=2
  : "${KAFKA_MOCK:=0}"
fi
# A harness invocation is killed this long after its own budget: a repeat in progress may finish.
HARNESS_GRACE=120

DATE=$(date -u +%Y-%m-%d)
: "${OUT:=bench/results/$DATE.md}"
RAW_DIR="${OUT%.md}"
START=$(date +%s)

want() { # want STEP: is this step selected?
  local step=$1
  if [ -n "$ONLY" ] && [[ ",$ONLY," != *",$step,"* ]]; then return 1; fi
  [[ ",$SKIP," != *",$step,"* ]]
}

log() { printf '[compare %4ds] %s\n' "$(( $(date +%s) - START ))" "$*" >&2; }

over_time() { [ $(( $(date +%s) - START )) -ge $(( MAX_MINUTES * 60 )) ]; }

# --- temporary folder and process bookkeeping ---------------------------------------------------------
TMP_PARENT=${SAMSA_BENCH_TMP:-/var/tmp}   # /var/tmp is on disk by convention (some machines mount /tmp as tmpfs)
TMP=$(mktemp -d "$TMP_PARENT/samsa-compare.XXXXXX")
RUN_DIR="$TMP/run"
mkdir -p "$RUN_DIR/systems" "$TMP/logs"
PIDS=()

stop_pid() { # stop_pid PID: TERM, wait up to 15 s, then KILL; only processes this script started
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$? i
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do stop_pid "${PIDS[$i]}"; done
  if [ "$KEEP_TMP" -eq 1 ]; then
    log "kept $TMP"
  else
    rm -rf "$TMP"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_port() { # wait_port PORT PID SECONDS: until something accepts on 127.0.0.1:PORT; fails if PID exits
  local port=$1 pid=$2 limit=$3 i
  for (( i=0; i<limit*2; i++ )); do
    kill -0 "$pid" 2>/dev/null || return 1
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  return 1
}

STATUS="$RUN_DIR/status.tsv"
printf '# key\tlabel\tstatus\tversion\tdurability\tnote\n' > "$STATUS"
status() { # status KEY LABEL STATUS VERSION DURABILITY NOTE
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$(echo "$6" | tr '\t\n' '  ')" >> "$STATUS"
}
note() { echo "$*" >> "$RUN_DIR/notes.txt"; }

# --- install what is missing -------------------------------------------------------------------------
install_packages() {
  local missing=() pkg
  for pkg in fio iperf3 redis-server nats-server rabbitmq-server activemq libmqtt-client-java; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  if [ "$INSTALL" -eq 0 ]; then
    log "not installing ${missing[*]} (--no-install)"
    return 0
  fi
  log "installing ${missing[*]}"
  local sudo_cmd="" own_policy=0
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  # Keep the distro's services from starting on install: this script runs private instances.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null
    $sudo_cmd chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  $sudo_cmd apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" > "$TMP/logs/apt.log" 2>&1 ||
    log "apt-get install failed (see the report); continuing with what is there"
  if [ "$own_policy" -eq 1 ]; then $sudo_cmd rm -f /usr/sbin/policy-rc.d; fi
  return 0
}

# --- the harness -------------------------------------------------------------------------------------
HARNESS="$TMP/harness/samsa-bench-compare"
build_harness() {
  log "building the harness"
  dotnet build bench/Samsa.Bench.Compare/Samsa.Bench.Compare.csproj -c Release -o "$TMP/harness" > "$TMP/logs/harness-build.log" 2>&1 || {
    tail -20 "$TMP/logs/harness-build.log" >&2
    echo "the harness does not build" >&2
    exit 1
  }
}

COMMON_ARGS=(--repeats "$REPEATS" --run-mb "$RUN_MB" --phase-seconds "$PHASE_S"
  --latency-rate "$LAT_RATE" --latency-seconds "$LAT_S" --window 4096)

harness_command() { # harness_command COMMAND KEY BUDGET_SECONDS ARGS...: one harness command writing systems/KEY.json, bounded by its budget plus a grace
  local command=$1 key=$2 budget=$3
  shift 3
  local rc=0
  timeout --signal=TERM --kill-after=10 $(( budget + HARNESS_GRACE )) \
    "$HARNESS" "$command" --key "$key" --budget-seconds "$budget" --out-json "$RUN_DIR/systems/$key.json" "$@" \
    2> >(tee "$TMP/logs/harness-$key.log" >&2) || rc=$?
  return $rc
}

run_harness() { # run_harness KEY BUDGET_SECONDS ARGS...: one system through the harness's own loops
  local key=$1 budget=$2
  shift 2
  harness_command run "$key" "$budget" "${COMMON_ARGS[@]}" "$@"
}

# --- machine -----------------------------------------------------------------------------------------
describe_machine() {
  {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "mode: $MODE (repeats $REPEATS)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs) × $(nproc) cores"
    echo "memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
    echo "kernel: $(uname -r)"
    echo "data disk: $(df -hT "$TMP" | awk 'NR==2 {print $1 " (" $2 "), " $3 " total, " $5 " free"}') — fio files and every server's data under $TMP_PARENT"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "dotnet: $(dotnet --version)"
  } > "$RUN_DIR/machine.txt"
}

# --- physical limits ---------------------------------------------------------------------------------
measure_physical() {
  log "physical limits: fio ($FIO_SIZE per job, ≤ ${FIO_RUNTIME}s each, ×$FIO_REPEATS), iperf3, memory copy"
  local dir="$TMP/fio" r
  mkdir -p "$dir"
  for (( r=1; r<=FIO_REPEATS; r++ )); do
    fio --name=write-buffered --directory="$dir" --filename=seq.dat --rw=write --bs=1M --size="$FIO_SIZE" \
      --ioengine=psync --end_fsync=1 --runtime="$FIO_RUNTIME" --output-format=json > "$RUN_DIR/fio-write-buffered-$r.json" 2>> "$TMP/logs/fio.log" || true
    rm -f "$dir/seq.dat"
    fio --name=write-fdatasync --directory="$dir" --filename=seq.dat --rw=write --bs=1M --size="$FIO_SIZE" \
      --ioengine=psync --fdatasync=1 --runtime="$FIO_RUNTIME" --output-format=json > "$RUN_DIR/fio-write-fdatasync-$r.json" 2>> "$TMP/logs/fio.log" || true
    # The file written above is read back; invalidate=1 (fio's default) drops its page cache first.
    fio --name=read --directory="$dir" --filename=seq.dat --rw=read --bs=1M --size="$FIO_SIZE" \
      --ioengine=psync --invalidate=1 --runtime="$FIO_RUNTIME" --output-format=json > "$RUN_DIR/fio-read-$r.json" 2>> "$TMP/logs/fio.log" || true
    rm -f "$dir/seq.dat"
  done

  local port pid
  port=$(free_port)
  iperf3 -s -B 127.0.0.1 -p "$port" > "$TMP/logs/iperf3-server.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  if wait_port "$port" "$pid" 10; then
    for (( r=1; r<=IPERF_REPEATS; r++ )); do
      timeout 60 iperf3 -c 127.0.0.1 -p "$port" -t "$IPERF_S" -J > "$RUN_DIR/iperf3-$r.json" 2>> "$TMP/logs/iperf3.log" || true
    done
  else
    note "iperf3 server did not start; loopback bandwidth not measured"
  fi
  stop_pid "$pid"

  timeout 120 "$HARNESS" memcopy --seconds "$MEM_S" --repeats 3 --out-json "$RUN_DIR/memcopy.json" || note "memory copy measurement failed"
}

# --- peers ---------------------------------------------------------------------------------------------
REDIS_DURABILITY="AOF on, appendfsync everysec (write to the AOF before replying, fsync once a second), RDB snapshots off"
NATS_DURABILITY="JetStream file storage, 1 replica; acked after the write to the block file, background fsync (no sync_interval option in 2.9)"
RABBIT_DURABILITY="stream queue (x-queue-type=stream), persistent; confirm after the write to the segment file, no fsync per message"
ACTIVEMQ_DURABILITY="persistent messages in KahaDB, journalDiskSyncStrategy=periodic, journalDiskSyncInterval=1000 ms (fsync once a second; ActiveMQ's default is an fsync per write)"

run_redis() {
  local key=redis label="Redis Streams" version dir port pid
  if ! command -v redis-server >/dev/null; then
    status $key "$label" "not run" "" "$REDIS_DURABILITY" "redis-server is not installed"
    return
  fi
  version=$(redis-server --version | grep -o 'v=[0-9.]*' | cut -d= -f2)
  dir="$TMP/redis"; mkdir -p "$dir"; port=$(free_port)
  cat > "$dir/redis.conf" <<EOF
bind 127.0.0.1
port $port
dir $dir
daemonize no
protected-mode yes
appendonly yes
appendfsync everysec
save ""
logfile $dir/redis.log
EOF
  redis-server "$dir/redis.conf" &
  pid=$!
  PIDS+=("$pid")
  if ! wait_port "$port" "$pid" 20; then
    status $key "$label" "failed" "$version" "$REDIS_DURABILITY" "redis-server did not start: $(tail -2 "$dir/redis.log" 2>/dev/null)"
    stop_pid "$pid"
    return
  fi
  log "Redis $version on 127.0.0.1:$port"
  if run_harness $key "$PEER_BUDGET" --system redis --endpoint "127.0.0.1:$port" --label "$label $version"; then
    status $key "$label $version" "measured" "$version" "$REDIS_DURABILITY" ""
  else
    status $key "$label $version" "failed" "$version" "$REDIS_DURABILITY" "the harness failed (exit $?); see its errors below"
  fi
  stop_pid "$pid"
}

run_nats() {
  local key=nats label="NATS JetStream" version dir port pid
  if ! command -v nats-server >/dev/null; then
    status $key "$label" "not run" "" "$NATS_DURABILITY" "nats-server is not installed"
    return
  fi
  version=$(nats-server --version | grep -o 'v[0-9][0-9.]*' | head -1 | tr -d v)
  dir="$TMP/nats"; mkdir -p "$dir"; port=$(free_port)
  cat > "$dir/nats.conf" <<EOF
listen: 127.0.0.1:$port
server_name: samsa-bench
jetstream {
  store_dir: "$dir/jetstream"
}
EOF
  nats-server -c "$dir/nats.conf" > "$dir/nats.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  if ! wait_port "$port" "$pid" 20; then
    status $key "$label" "failed" "$version" "$NATS_DURABILITY" "nats-server did not start: $(tail -2 "$dir/nats.log")"
    stop_pid "$pid"
    return
  fi
  log "NATS $version on 127.0.0.1:$port"
  if run_harness $key "$PEER_BUDGET" --system nats --endpoint "127.0.0.1:$port" --label "$label $version"; then
    status $key "$label $version" "measured" "$version" "$NATS_DURABILITY" ""
  else
    status $key "$label $version" "failed" "$version" "$NATS_DURABILITY" "the harness failed; see its errors below"
  fi
  stop_pid "$pid"
}

run_rabbitmq() {
  local key=rabbitmq label="RabbitMQ streams" version dir port dist epmd_port epmd_pid pid
  if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || ! command -v epmd >/dev/null; then
    status $key "$label" "not run" "" "$RABBIT_DURABILITY" "rabbitmq-server (or Erlang's epmd) is not installed"
    return
  fi
  version=$(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null | cut -d- -f1)
  dir="$TMP/rabbitmq"; mkdir -p "$dir"
  port=$(free_port); dist=$(free_port); epmd_port=$(free_port)
  echo "[]." > "$dir/enabled_plugins"
  printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users.guest = true\n' "$port" > "$dir/rabbitmq.conf"
  # A private epmd on its own port, so nothing outlives the run and other Erlang nodes are not disturbed.
  epmd -port "$epmd_port" -address 127.0.0.1 > "$dir/epmd.log" 2>&1 &
  epmd_pid=$!
  PIDS+=("$epmd_pid")
  HOME="$dir" RABBITMQ_BASE="$dir" RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_NODENAME="samsabench@localhost" RABBITMQ_DIST_PORT="$dist" ERL_EPMD_PORT="$epmd_port" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" \
    RABBITMQ_PID_FILE="$dir/rabbit.pid" \
    /usr/lib/rabbitmq/bin/rabbitmq-server > "$dir/stdout.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  if ! wait_port "$port" "$pid" 90; then
    status $key "$label" "failed" "$version" "$RABBIT_DURABILITY" "rabbitmq-server did not open its AMQP port within 90 s: $(tail -3 "$dir/stdout.log")"
    stop_pid "$pid"; stop_pid "$epmd_pid"
    return
  fi
  log "RabbitMQ $version on 127.0.0.1:$port"
  if run_harness $key "$PEER_BUDGET" --system rabbitmq --endpoint "127.0.0.1:$port" --label "$label $version"; then
    status $key "$label $version" "measured" "$version" "$RABBIT_DURABILITY" ""
  else
    status $key "$label $version" "failed" "$version" "$RABBIT_DURABILITY" "the harness failed; see its errors below"
  fi
  stop_pid "$pid"
  stop_pid "$epmd_pid"
}

run_activemq() {
  local key=activemq label="ActiveMQ" home=/usr/share/activemq version dir port pid protocol lib_note=""
  if [ -n "$ACTIVEMQ_HOME_DIST" ]; then home="$ACTIVEMQ_HOME_DIST"; fi
  if [ ! -f "$home/bin/activemq.jar" ] || ! command -v java >/dev/null; then
    status $key "$label" "not run" "" "$ACTIVEMQ_DURABILITY" "no ActiveMQ at $home (package activemq) or no java"
    return
  fi
  version=$(find "$home/lib" -maxdepth 1 -name 'activemq-broker-*.jar' 2>/dev/null | grep -o '[0-9][0-9.]*[0-9]' | head -1 || true)
  if [ -z "$version" ]; then version=$(dpkg-query -W -f='${Version}' activemq 2>/dev/null | cut -d+ -f1 || true); fi
  dir="$TMP/activemq"; mkdir -p "$dir/lib" "$dir/tmp"; port=$(free_port)
  if ls "$home"/lib/activemq-amqp*.jar "$home"/lib/optional/activemq-amqp*.jar >/dev/null 2>&1; then
    protocol=amqp
  else
    # Debian's activemq 5.17.2 has no AMQP transport: the activemq-amqp module and Qpid proton-j are not
    # packaged, and an amqp:// connector fails with "Transport scheme NOT recognized: [amqp]". Its MQTT
    # transport works once the codec from Debian's libmqtt-client-java is on the broker's classpath.
    protocol=mqtt
    lib_note="Debian's activemq has no AMQP 1.0 transport (activemq-amqp and Qpid proton-j are not packaged; an amqp:// connector fails with 'Transport scheme NOT recognized: [amqp]'), so ActiveMQ is driven over its MQTT transport (QoS 1, persistent, durable subscription) with MQTTnet; pass --activemq-home with an upstream ActiveMQ distribution to measure AMQP 1.0 with AMQPNetLite"
    for jar in mqtt-client hawtdispatch hawtdispatch-transport; do
      if [ -f "/usr/share/java/$jar.jar" ]; then ln -sf "/usr/share/java/$jar.jar" "$dir/lib/"; fi
    done
  fi
  cat > "$dir/activemq.xml" <<EOF
<beans xmlns="http://www.springframework.org/schema/beans" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-2.0.xsd http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="samsa-bench" useJmx="false" persistent="true" dataDirectory="$dir/data">
    <persistenceAdapter>
      <kahaDB directory="$dir/data/kahadb" journalDiskSyncStrategy="periodic" journalDiskSyncInterval="1000"/>
    </persistenceAdapter>
    <transportConnectors>
      <transportConnector name="$protocol" uri="$protocol://127.0.0.1:$port"/>
    </transportConnectors>
  </broker>
</beans>
EOF
  cat > "$dir/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, out
log4j.appender.out=org.apache.log4j.ConsoleAppender
log4j.appender.out.layout=org.apache.log4j.PatternLayout
log4j.appender.out.layout.ConversionPattern=%d %-5p %c{1} - %m%n
EOF
  (cd "$dir" && exec java -Xms512M -Xmx512M -Djava.io.tmpdir="$dir/tmp" \
    -Dactivemq.classpath="$dir" -Dactivemq.home="$home" -Dactivemq.base="$dir" -Dactivemq.conf="$dir" -Dactivemq.data="$dir/data" \
    -Dlog4j.configuration="file:$dir/log4j.properties" -Dlog4j2.configurationFile="$dir/log4j.properties" \
    -jar "$home/bin/activemq.jar" start "xbean:file:$dir/activemq.xml" > "$dir/activemq.log" 2>&1) &
  pid=$!
  PIDS+=("$pid")
  if ! wait_port "$port" "$pid" 60; then
    status $key "$label" "failed" "$version" "$ACTIVEMQ_DURABILITY" "ActiveMQ did not open its $protocol port within 60 s: $(grep -m2 -E 'ERROR|Exception' "$dir/activemq.log")"
    stop_pid "$pid"
    return
  fi
  label="ActiveMQ $version ($([ $protocol = amqp ] && echo 'AMQP 1.0' || echo 'MQTT'))"
  log "$label on 127.0.0.1:$port"
  if run_harness $key "$PEER_BUDGET" --system "$protocol" --endpoint "127.0.0.1:$port" --label "$label" --durability "$ACTIVEMQ_DURABILITY"; then
    status $key "$label" "measured" "$version" "$ACTIVEMQ_DURABILITY" "$lib_note"
  else
    status $key "$label" "failed" "$version" "$ACTIVEMQ_DURABILITY" "the harness failed; see its errors below. $lib_note"
  fi
  stop_pid "$pid"
}

# --- Samsa ---------------------------------------------------------------------------------------------
SAMSA_DURABILITY="Kafka's defaults: the page cache, the OS flushing in the background (log.flush.interval.* unset)"

run_samsa() {
  local key=samsa label="Samsa" bootstrap="$SAMSA_BOOTSTRAP" version pid="" dir="$TMP/samsa" port
  local client="client: Confluent.Kafka (librdkafka) through the harness's Kafka driver"
  version=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
  mkdir -p "$dir/data"
  if [ -z "$bootstrap" ]; then
    port=$(free_port)
    local cmd="$SAMSA_CMD"
    if [ -z "$cmd" ]; then
      log "building Samsa (src/Samsa.Cli)"
      if ! dotnet build src/Samsa.Cli/Samsa.Cli.csproj -c Release -o "$dir/bin" > "$dir/build.log" 2>&1; then
        status $key "$label" "pending" "$version" "$SAMSA_DURABILITY" "src/Samsa.Cli does not build: $(grep -m1 -E 'error' "$dir/build.log")"
        return
      fi
      cmd="$dir/bin/samsa server --override log.dirs={data} --override listeners=PLAINTEXT://127.0.0.1:{port}"
    fi
    cmd=${cmd//\{data\}/$dir/data}
    cmd=${cmd//\{port\}/$port}
    log "starting Samsa: $cmd"
    bash -c "exec $cmd" > "$dir/server.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    if ! wait_port "$port" "$pid" 60; then
      local why
      if kill -0 "$pid" 2>/dev/null; then why="nothing listened on 127.0.0.1:$port within 60 s"
      else why="the server exited: $( (grep -m1 -iE 'error|unrecogni|not built|exception' "$dir/server.log" || grep -m1 -v '^\s*$' "$dir/server.log" || true) | xargs)"; fi
      status $key "$label" "pending" "$version" "$SAMSA_DURABILITY" "could not start Samsa ($why); the lead reruns once the broker exists"
      stop_pid "$pid"
      return
    fi
    bootstrap="127.0.0.1:$port"
  fi
  log "Samsa at $bootstrap"
  local probe=()
  if [ -n "$pid" ]; then probe=(--broker-pid "$pid"); fi   # the broker's CPU, GCs and allocation per pass
  label="Samsa ($version, Confluent.Kafka client)"
  if run_harness $key "$SAMSA_BUDGET" --system kafka --endpoint "$bootstrap" --label "$label" --durability "$SAMSA_DURABILITY" "${probe[@]}"; then
    status $key "$label" "measured" "$version" "$SAMSA_DURABILITY" "$client"
  else
    status $key "$label" "failed" "$version" "$SAMSA_DURABILITY" "$client; the harness failed; see its errors below"
  fi
  run_samsa_perf "$bootstrap" "$version" "${probe[@]}"
  if [ -n "$pid" ]; then stop_pid "$pid"; fi
}

run_samsa_perf() { # run_samsa_perf BOOTSTRAP VERSION [--broker-pid PID]: Samsa's second row, the same grid through `samsa perf`
  local bootstrap=$1 version=$2 key=samsa-perf bin="$TMP/samsa/bin/samsa"
  shift 2
  local label="Samsa ($version, samsa perf client)"
  local client="client: samsa perf (Samsa.Client, this repository's own client), one child process per pass; throughput only (samsa perf's latency is send-to-ack, not end to end)"
  if [[ ",$SKIP," == *",samsa-perf,"* ]]; then
    status $key "$label" "skipped" "$version" "$SAMSA_DURABILITY" "skipped with --skip samsa-perf"
    return
  fi
  if [ ! -x "$bin" ]; then   # with --samsa-cmd or --samsa-bootstrap the CLI was not built above
    log "building the samsa CLI for samsa perf"
    if ! dotnet build src/Samsa.Cli/Samsa.Cli.csproj -c Release -o "$TMP/samsa/bin" > "$TMP/samsa/perf-build.log" 2>&1; then
      status $key "$label" "not run" "$version" "$SAMSA_DURABILITY" "src/Samsa.Cli does not build: $(grep -m1 -E 'error' "$TMP/samsa/perf-build.log")"
      return
    fi
  fi
  if ! timeout 20 "$bin" perf --help > /dev/null 2>&1; then
    status $key "$label" "not run" "$version" "$SAMSA_DURABILITY" "this build's CLI has no perf command"
    return
  fi
  log "samsa perf against $bootstrap"
  local rc=0
  harness_command samsa-perf $key "$SAMSA_BUDGET" --samsa "$bin" --endpoint "$bootstrap" --label "$label" \
    --durability "$SAMSA_DURABILITY" --repeats "$REPEATS" --run-mb "$RUN_MB" --phase-seconds "$PHASE_S" "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then
    status $key "$label" "measured" "$version" "$SAMSA_DURABILITY" "$client"
  else
    status $key "$label" "failed" "$version" "$SAMSA_DURABILITY" "$client; samsa-bench-compare samsa-perf failed (exit $rc); see its errors below"
  fi
}

run_kafka_mock() {
  log "Kafka driver self-check against librdkafka's mock cluster"
  run_harness check-kafka-mock 120 --system kafka --endpoint 127.0.0.1:1 --kafka-mock-brokers 1 --partitions 1 \
    --label "librdkafka mock cluster (Kafka driver self-check, not a peer)" --durability "in-memory mock" || true
  status check-kafka-mock "librdkafka mock cluster (Kafka driver self-check, not a peer)" "driver check" "" "in-memory mock" \
    "checks the Kafka-protocol driver end to end before Samsa exists; the mock answers fetches slowly (fetch.wait.max.ms), so its numbers say nothing about a broker"
}

# --- the run -------------------------------------------------------------------------------------------
want_any_peer=0
for s in redis nats rabbitmq activemq; do want "$s" && want_any_peer=1; done
if [ "$want_any_peer" -eq 1 ]; then install_packages; fi
build_harness
describe_machine
if [ "$MODE" = quick ]; then note "Quick run (--quick): small counts, short deadlines, on a shared machine; the numbers validate the pipeline and are not a measurement."; fi

step() { # step NAME FUNCTION: runs a selected step unless the time cap is reached
  local name=$1 fn=$2
  want "$name" || return 0
  if over_time; then
    note "$name: skipped, the run reached its cap of $MAX_MINUTES minutes"
    log "$name skipped (time cap)"
    return 0
  fi
  "$fn"
}

step physical measure_physical
step redis run_redis
step nats run_nats
step rabbitmq run_rabbitmq
step activemq run_activemq
if want samsa; then step samsa run_samsa; else status samsa Samsa "skipped" "" "$SAMSA_DURABILITY" "skipped with --skip samsa"; fi
if [ "$KAFKA_MOCK" -eq 1 ]; then step kafka-mock run_kafka_mock; fi

mkdir -p "$(dirname "$OUT")" "$RAW_DIR"
cp "$RUN_DIR"/*.json "$RUN_DIR"/*.tsv "$RUN_DIR"/*.txt "$RAW_DIR"/ 2>/dev/null || true
mkdir -p "$RAW_DIR/systems" && cp "$RUN_DIR"/systems/*.json "$RAW_DIR/systems/" 2>/dev/null || true
elapsed=$(( $(date +%s) - START ))
note "Wall time of this run: $(( elapsed / 60 )) min $(( elapsed % 60 )) s. Raw JSON: $RAW_DIR/."
report_args=(report --run-dir "$RUN_DIR" --out "$OUT" --title "Peer comparison, $DATE ($MODE run)" --command "$ARGS_TEXT")
if [ "$UPDATE_README" -eq 1 ]; then report_args+=(--readme bench/README.md --comparison docs/comparison.md); fi
"$HARNESS" "${report_args[@]}"
log "done in ${elapsed}s: $OUT"

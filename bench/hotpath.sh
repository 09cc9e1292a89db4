#!/usr/bin/env bash
# Issue 4's measurements of Samsa's produce/fetch hot path, in one bounded run on this machine (127.0.0.1 only):
# a real broker built from the repo (data in a temporary folder on disk, stopped by PID at the end), loaded by
# librdkafka through Confluent.Kafka (bench/Samsa.Bench.Compare), with same-run baselines (fio, iperf3, kcat).
#
#   bench/hotpath.sh [--quick] [--repeats N] [--samsa-bin DIR] [--out-dir DIR] [--keep-tmp]
#
# Measures: produce records/s with acks=1 (100 B, 6 partitions); consume records/s; 1 MB-batch produce MB/s
# against fio's sequential write; end-to-end latency at 100k records/s with acks=1; broker RSS idle and with
# 1,000 partitions; broker CPU seconds, GCs and allocated bytes per million records (EventPipe, /proc).
# Writes <out-dir>/hotpath-<UTC time>/ (JSON, logs) and prints a summary.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

QUICK=0 REPEATS="" SAMSA_BIN="" OUT_DIR="bench/results" KEEP_TMP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --repeats) REPEATS="$2"; shift ;;
    --samsa-bin) SAMSA_BIN="$2"; shift ;;
    --out-dir) OUT_DIR="$2"; shift ;;
    --keep-tmp) KEEP_TMP=1 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$QUICK" -eq 1 ]; then
  : "${REPEATS:=2}"; RUN_MB=50 PHASE_S=5 LAT_S=4 FIO_SIZE=256M FIO_RUNTIME=8 KCAT_RECORDS=500000
else
  : "${REPEATS:=3}"; RUN_MB=200 PHASE_S=10 LAT_S=10 FIO_SIZE=1G FIO_RUNTIME=20 KCAT_RECORDS=2000000
fi
WINDOW=200000   # records unacknowledged: large enough that the window is not what limits 100-byte produce
START=$(date +%s)
log() { printf '[hotpath %4ds] %s\n' "$(( $(date +%s) - START ))" "$*" >&2; }

TMP=$(mktemp -d "${SAMSA_BENCH_TMP:-/var/tmp}/samsa-hotpath.XXXXXX")
OUT="$OUT_DIR/hotpath-$(date -u +%Y%m%d-%H%M)"
mkdir -p "$OUT" "$TMP/data"
PIDS=()
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local status=$? i
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do stop_pid "${PIDS[$i]}"; done
  if [ "$KEEP_TMP" -eq 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_port() {
  local i
  for (( i=0; i<$3*2; i++ )); do
    kill -0 "$2" 2>/dev/null || return 1
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  return 1
}

for pkg in fio iperf3 kcat; do
  command -v "$pkg" >/dev/null || { log "installing $pkg"; apt-get install -y -qq "$pkg" > "$TMP/apt.log" 2>&1 || log "could not install $pkg"; }
done

log "building the harness and (unless --samsa-bin) the broker, Release"
dotnet build bench/Samsa.Bench.Compare/Samsa.Bench.Compare.csproj -c Release -o "$TMP/harness" > "$OUT/build-harness.log" 2>&1
if [ -z "$SAMSA_BIN" ]; then
  dotnet build src/Samsa.Cli/Samsa.Cli.csproj -c Release -o "$TMP/samsa" > "$OUT/build-samsa.log" 2>&1
  SAMSA_BIN="$TMP/samsa"
fi
HARNESS="$TMP/harness/samsa-bench-compare"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), mode: $([ "$QUICK" -eq 1 ] && echo quick || echo full), repeats $REPEATS"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs) x $(nproc), kernel $(uname -r), dotnet $(dotnet --version)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"

log "fio sequential write ($FIO_SIZE, 1 MiB blocks, buffered + end fsync) on the data disk"
fio_write() {
  fio --name=write --directory="$TMP" --filename=fio.dat --rw=write --bs=1M --size="$FIO_SIZE" --ioengine=psync \
    --end_fsync=1 --runtime="$FIO_RUNTIME" --output-format=json > "$OUT/fio-write-$1.json" 2>> "$OUT/fio.log" || true
  rm -f "$TMP/fio.dat"
}
fio_write before

PORT=$(free_port)
"$SAMSA_BIN/samsa" server --override "log.dirs=$TMP/data" --override num.partitions=6 --override "listeners=PLAINTEXT://127.0.0.1:$PORT" > "$OUT/broker.log" 2>&1 &
BROKER=$!
PIDS+=("$BROKER")
wait_port "$PORT" "$BROKER" 60 || { log "the broker did not start"; tail -5 "$OUT/broker.log" >&2; exit 1; }
EP="127.0.0.1:$PORT"
log "broker pid $BROKER on $EP"

run() { # run NAME ARGS...: one bounded harness run against the broker
  local name=$1; shift
  log "$name"
  timeout --kill-after=10 600 "$HARNESS" run --system kafka --endpoint "$EP" --key "$name" --broker-pid "$BROKER" \
    --repeats "$REPEATS" --phase-seconds "$PHASE_S" --window "$WINDOW" --out-json "$OUT/$name.json" "$@" \
    2>&1 | tee "$OUT/$name.log" | grep -E '^  ' >&2 || log "$name failed"
}

log "broker RSS idle and with 1,000 partitions"
timeout 200 "$HARNESS" partitions-memory --endpoint "$EP" --broker-pid "$BROKER" --partitions 1000 --out-json "$OUT/partitions-memory.json" 2>&1 | tail -1 >&2 || log "partitions-memory failed"

run throughput-100B --sizes 100 --acks 1,all --partitions 6 --run-mb "$RUN_MB" --max-records 20000000 --skip-latency
run batch-1MB --sizes 16384 --acks 1 --partitions 6 --run-mb $(( RUN_MB * 4 )) --batch-bytes 1000000 --skip-latency
run latency-100k --sizes 100 --latency-rate 100000 --latency-seconds "$LAT_S" --latency-acks 1 --latency-partitions 1 --skip-throughput

if command -v kcat >/dev/null; then
  log "kcat (librdkafka's C client, no .NET) produce and consume of $KCAT_RECORDS × 100 B, 6 partitions, acks=1"
  /usr/bin/python3 -c "import sys; sys.stdout.buffer.write((b'x'*99+b'\n')*$KCAT_RECORDS)" > "$TMP/records.txt"
  b0=$(awk '{print $14+$15}' "/proc/$BROKER/stat")
  t0=$(date +%s.%N)
  timeout 120 kcat -P -b "$EP" -t kcat6 -p -1 -X topic.partitioner=random -X linger.ms=5 -X batch.size=1000000 -X acks=1 \
    -X queue.buffering.max.messages=1000000 -l "$TMP/records.txt" 2>> "$OUT/kcat.log" || log "kcat produce failed"
  t1=$(date +%s.%N)
  b1=$(awk '{print $14+$15}' "/proc/$BROKER/stat")
  got=$(timeout 120 kcat -C -b "$EP" -t kcat6 -o beginning -e -q -f '\n' 2>> "$OUT/kcat.log" | wc -l || true)
  t2=$(date +%s.%N)
  b2=$(awk '{print $14+$15}' "/proc/$BROKER/stat")
  /usr/bin/python3 - "$KCAT_RECORDS" "$got" "$t0" "$t1" "$t2" "$b0" "$b1" "$b2" > "$OUT/kcat.json" <<'EOF'
import json, sys
n, got, t0, t1, t2, b0, b1, b2 = (float(x) for x in sys.argv[1:])
print(json.dumps({"records": n, "consumed": got, "produceRecordsPerSec": n / (t1 - t0), "consumeRecordsPerSec": got / (t2 - t1),
                  "brokerCpuSecondsPerMillionProduce": (b1 - b0) / 100 / (n / 1e6), "brokerCpuSecondsPerMillionConsume": (b2 - b1) / 100 / max(got / 1e6, 1e-6),
                  "note": "kcat -P from a file (topic auto-created with the broker's num.partitions=6) and kcat -C to wc -l; wall time includes client start-up"}))
EOF
fi

stop_pid "$BROKER"
fio_write after
PORT2=$(free_port)
iperf3 -s -B 127.0.0.1 -p "$PORT2" > /dev/null 2>&1 &
IP=$!
PIDS+=("$IP")
if wait_port "$PORT2" "$IP" 10; then timeout 30 iperf3 -c 127.0.0.1 -p "$PORT2" -t 3 -J > "$OUT/iperf3.json" 2>/dev/null || true; fi
stop_pid "$IP"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
/usr/bin/python3 bench/hotpath_summary.py "$OUT" | tee "$OUT/summary.md"
log "done in $(( $(date +%s) - START ))s: $OUT"

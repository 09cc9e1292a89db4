#!/usr/bin/env bash
# A/B comparison of two broker builds in one run, rounds alternating A and B so that the shared machine's
# load falls on both alike. Each round starts the build on a free loopback port with fresh data in a
# temporary folder, runs the harness (bench/Samsa.Bench.Compare) with the given arguments plus
# --broker-pid, and stops the broker by PID.
#
#   bench/hotpath-ab.sh DIR_A DIR_B ROUNDS OUT_DIR -- HARNESS_RUN_ARGS...
#   e.g. bench/hotpath-ab.sh /tmp/base /tmp/new 3 /tmp/ab -- --sizes 100 --acks 1 --partitions 6 --skip-latency
#
# DIR_A and DIR_B hold a built `samsa` (dotnet build src/Samsa.Cli -c Release -o DIR). The harness is
# built once into OUT_DIR/harness. Results: OUT_DIR/{a,b}-<round>.json and the lines printed.
set -euo pipefail
[ $# -ge 5 ] && [ "$5" = "--" ] || { sed -n 2,10p "$0"; exit 2; }
A=$1 B=$2 ROUNDS=$3 OUT=$4
shift 5
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$OUT"
dotnet build "$ROOT/bench/Samsa.Bench.Compare/Samsa.Bench.Compare.csproj" -c Release -o "$OUT/harness" > "$OUT/harness-build.log" 2>&1
BROKER=""
DATA=""
cleanup() {
  if [ -n "$BROKER" ]; then kill -TERM "$BROKER" 2>/dev/null || true; wait "$BROKER" 2>/dev/null || true; fi
  if [ -n "$DATA" ]; then rm -rf "$DATA"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for (( r=1; r<=ROUNDS; r++ )); do
  for side in a b; do
    dir=$A; [ "$side" = b ] && dir=$B
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    DATA=$(mktemp -d "${SAMSA_BENCH_TMP:-/var/tmp}/samsa-ab.XXXXXX")
    "$dir/samsa" server --override "log.dirs=$DATA" --override "listeners=PLAINTEXT://127.0.0.1:$port" > "$OUT/$side-$r-broker.log" 2>&1 &
    BROKER=$!
    for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.5; done
    echo "round $r $side (load $(cut -d' ' -f1 /proc/loadavg)):"
    timeout --kill-after=10 600 "$OUT/harness/samsa-bench-compare" run --system kafka --endpoint "127.0.0.1:$port" --key "$side" \
      --broker-pid "$BROKER" --out-json "$OUT/$side-$r.json" "$@" 2>&1 | grep -E '^  ' || echo "  (harness failed)"
    cleanup
    BROKER="" DATA=""
  done
done

#!/usr/bin/env bash
# Storage benchmarks in one run: fio's sequential write and read on the same disk as the physical
# baseline, alternating with Samsa.Storage's append/read runs (so drifting noise hits both), then
# compaction speed, small-batch appends, crash recovery of a large log, and BenchmarkDotNet's
# allocation check. Results go to stdout with a summary of medians and ratios; bench/README.md
# records them.
#
#   bash bench/storage.sh                    # defaults below
#   SIZE_GB=2 RECOVERY_GB=4 RUNS=3 bash bench/storage.sh
#   SECTIONS="throughput compaction" SIZE_GB=1 RUNS=2 bash bench/storage.sh   # some sections only
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_GB=${SIZE_GB:-4}          # bytes appended (and written by fio) per run
RECOVERY_GB=${RECOVERY_GB:-10} # size of the log reopened after a crash
RUNS=${RUNS:-5}
COMPACTION_GB=${COMPACTION_GB:-1}  # size of the compacted log cleaned (per codec and run)
DUPLICATES=${DUPLICATES:-0.5}      # fraction of its records superseded by later ones
SECTIONS=${SECTIONS:-throughput compaction recovery allocations}
DATA=${BENCH_DIR:-$PWD/bench/.data}
BENCH="$PWD/bench/Samsa.Storage.Benchmarks/bin/Release/net10.0/Samsa.Storage.Benchmarks.dll"
RESULTS=$(mktemp)

mkdir -p "$DATA"
trap 'rm -rf "$DATA" "$RESULTS"' EXIT

# Scale the recovery log to the free space (keep 5 GiB spare).
free_gb=$(df -BG --output=avail "$DATA" | tail -1 | tr -dc '0-9')
if [ $((RECOVERY_GB + SIZE_GB + 5)) -gt "$free_gb" ]; then
  RECOVERY_GB=$((free_gb - SIZE_GB - 5))
  [ "$RECOVERY_GB" -ge 1 ] || { echo "not enough free disk ($free_gb GiB)"; exit 1; }
fi

echo "## machine"
date -u +"%Y-%m-%d %H:%M UTC"
lscpu | grep -E '^(Model name|CPU\(s\)|Hypervisor vendor)' | sed 's/  */ /g'
free -g | awk '/^Mem:/ {print "RAM: " $2 " GiB"}'
df -h "$DATA" | tail -1 | awk '{print "disk: " $1 " (" $2 ", " $4 " free)"}'
dotnet --version | sed 's/^/dotnet SDK /'
fio --version
echo "SIZE_GB=$SIZE_GB RECOVERY_GB=$RECOVERY_GB RUNS=$RUNS COMPACTION_GB=$COMPACTION_GB DUPLICATES=$DUPLICATES SECTIONS=$SECTIONS"
uptime | sed 's/.*load/load/'
dotnet build bench/Samsa.Storage.Benchmarks -c Release -v q -nologo >/dev/null
has() { [[ " $SECTIONS " == *" $1 "* ]]; }

if has throughput; then
echo "## sequential ${SIZE_GB} GiB: fio (psync, bs=1M, buffered write + end_fsync; read with fio's default cache invalidation) vs Samsa (1 MiB batches + final flush, 1 and 2 producers; read via page cache)"
mkdir -p "$DATA/fio"
for run in $(seq "$RUNS"); do
  sync
  fio --name=seq --directory="$DATA/fio" --rw=write --bs=1M --size="${SIZE_GB}G" \
    --ioengine=psync --end_fsync=1 | grep -E '^ +WRITE:' | sed -E 's/.*\(([0-9.]+)([kMG])B\/s\).*/fio_seq_write \1\2B\/s/' | tee -a "$RESULTS"
  fio --name=seq --directory="$DATA/fio" --rw=read --bs=1M --size="${SIZE_GB}G" \
    --ioengine=psync | grep -E '^ +READ:' | sed -E 's/.*\(([0-9.]+)([kMG])B\/s\).*/fio_seq_read \1\2B\/s/' | tee -a "$RESULTS"
  rm -f "$DATA"/fio/*
  sync
  dotnet "$BENCH" append-read "$DATA/samsa" "$SIZE_GB" | tee -a "$RESULTS"
done

echo "## summary (medians of $RUNS alternating runs; MB = 10^6 bytes)"
python3 - "$RESULTS" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    m = re.match(r'(\S+) ([0-9.]+)([kMG])B/s', line.strip())
    if m:
        scale = {'k': 1e-3, 'M': 1, 'G': 1e3}[m.group(3)]
        runs.setdefault(m.group(1), []).append(float(m.group(2)) * scale)
med = {k: statistics.median(v) for k, v in runs.items()}
for k, v in runs.items():
    print(f"{k}: median {med[k]:.0f} MB/s, runs {' '.join(f'{x:.0f}' for x in v)}")
f = runs.get('fio_seq_write', [])
for name in ('samsa_append_1MiB_batches', 'samsa_append_1MiB_batches_2_producers'):
    w = runs.get(name, [])
    if w and f:
        pairs = [a / b for a, b in zip(w, f)]
        print(f"{name} / fio write: ratio of medians {med[name] / med['fio_seq_write']:.2f}, "
              f"median of paired ratios {statistics.median(pairs):.2f} (pairs {' '.join(f'{p:.2f}' for p in pairs)})")
PY

fi

if has compaction; then
  echo "## compaction: ${COMPACTION_GB} GiB compacted log, ${DUPLICATES} of its records superseded, one cleaning per codec and run (page cache warm)"
  sync
  dotnet "$BENCH" compaction "$DATA/samsa" "$COMPACTION_GB" "$DUPLICATES" "$RUNS"
  uptime | sed 's/.*load/load/'
fi

if has recovery; then
  echo "## small batches and recovery"
  sync
  dotnet "$BENCH" small-recovery "$DATA/samsa" 1 "$RECOVERY_GB" 3
fi

if has allocations; then
  echo "## allocations (BenchmarkDotNet, memory diagnoser, in-process)"
  (cd "$DATA" && dotnet "$BENCH" --filter '*AllocationBenchmarks*' --exporters markdown 2>&1 | sed -n '/^| Method/,/^$/p')
fi

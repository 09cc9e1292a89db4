#!/usr/bin/env bash
# Runs the protocol benchmarks several times and prints the median of each result, so a number from this
# shared, noisy machine is never one sample. With a baseline commit, that commit's benchmarks run too,
# alternating with the working tree's in every round, so both see the same drift.
#
#   bash bench/Samsa.Protocol.Benchmarks/rounds.sh ROUNDS [BASELINE_COMMIT] [BDN filter...]
#   bash bench/Samsa.Protocol.Benchmarks/rounds.sh 3 ec2ce43 '*ProduceRequest*' '*FetchResponse*' '*Crc32C*'
#
# Each run is BenchmarkDotNet in-process (no child build, which times out on a loaded machine), ShortRun
# with 5 measured iterations. Reports go to bench/Samsa.Protocol.Benchmarks/.results/<date>/.
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${1:-3}
shift || true
baseline=""
if [ $# -gt 0 ] && git rev-parse --verify --quiet "$1^{commit}" >/dev/null; then
  baseline=$1
  shift
fi
filters=("$@")
[ ${#filters[@]} -gt 0 ] || filters=('*')

out="bench/Samsa.Protocol.Benchmarks/.results/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
project=bench/Samsa.Protocol.Benchmarks/Samsa.Protocol.Benchmarks.csproj

dotnet build "$project" -c Release -v quiet -nologo >"$out/build-current.log"
declare -A dll=([current]="$PWD/bench/Samsa.Protocol.Benchmarks/bin/Release/net10.0/Samsa.Protocol.Benchmarks.dll")
if [ -n "$baseline" ]; then
  tree=$(mktemp -d)
  trap 'rm -rf "$tree"' EXIT
  git archive "$baseline" | tar -x -C "$tree"
  dotnet build "$tree/$project" -c Release -v quiet -nologo >"$out/build-baseline.log"
  dll[baseline]="$tree/bench/Samsa.Protocol.Benchmarks/bin/Release/net10.0/Samsa.Protocol.Benchmarks.dll"
fi

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
  echo "baseline: ${baseline:-none}"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(free -g | awk '/^Mem:/ {print $2}') GiB RAM"
  echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"

for round in $(seq 1 "$rounds"); do
  for side in baseline current; do
    [ -n "${dll[$side]:-}" ] || continue
    echo "round $round: $side (load $(cut -d' ' -f1 /proc/loadavg))"
    dotnet "${dll[$side]}" --filter "${filters[@]}" --inProcess --job short --iterationCount 5 \
      --exporters csv --artifacts "$out/$side-$round" >"$out/$side-$round.log" 2>&1
  done
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"

/usr/bin/python3 - "$out" <<'EOF'
import csv, glob, os, re, statistics, sys
from collections import defaultdict

out = sys.argv[1]
units = {'ns': 1.0, 'us': 1e3, 'μs': 1e3, 'ms': 1e6, 's': 1e9}
def nanoseconds(text):
    value, unit = text.replace(',', '').split()
    return float(value) * units[unit]

results = defaultdict(lambda: defaultdict(list))  # (class, method, params) -> side -> [(mean ns, allocated)]
for path in sorted(glob.glob(os.path.join(out, '*-*', 'results', '*-report.csv'))):
    side = os.path.basename(os.path.dirname(os.path.dirname(path))).rsplit('-', 1)[0]
    cls = re.sub(r'^.*\.(\w+)-report\.csv$', r'\1', path)
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    header = rows[0]
    first_param, mean = header.index('WarmupCount') + 1, header.index('Mean')
    allocated = header.index('Allocated') if 'Allocated' in header else None
    for row in rows[1:]:
        if row[mean] in ('NA', ''):
            continue
        params = ', '.join(f'{header[i]}={row[i]}' for i in range(first_param, mean))
        results[(cls, row[0], params)][side].append((nanoseconds(row[mean]), row[allocated] if allocated is not None else ''))

def show(ns):
    return f'{ns / 1e3:,.2f} us' if ns >= 1e3 else f'{ns:,.1f} ns'

sides = [s for s in ('baseline', 'current') if any(s in v for v in results.values())]
print()
print('| class | method | params | ' + ' | '.join(f'{s} median (runs) | {s} allocated' for s in sides) + ' |')
print('| --- | --- | --- | ' + ' | '.join('---: | ---:' for _ in sides) + ' |')
for (cls, method, params), by_side in sorted(results.items()):
    cells = []
    for side in sides:
        runs = by_side.get(side, [])
        if runs:
            cells.append(f"{show(statistics.median(r[0] for r in runs))} ({' '.join(show(r[0]) for r in runs)})")
            cells.append(' / '.join(sorted({r[1] for r in runs})))
        else:
            cells += ['', '']
    print(f'| {cls} | {method} | {params} | ' + ' | '.join(cells) + ' |')
EOF

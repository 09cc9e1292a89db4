#!/usr/bin/env bash
# Start-up time of the built samsa binary (not `dotnet run`) on an empty data dir, to its first answered request.
# Usage: bash bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet publish src/Samsa.Cli -c Release -o "$out" -v quiet -nologo >/dev/null
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
python3 bench/startup.py "$out/samsa" "${1:-10}"

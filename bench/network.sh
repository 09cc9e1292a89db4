#!/usr/bin/env bash
# Echo-frame benchmark of the broker's network server against Kestrel's Pipelines transport, with a
# loopback baseline (iperf3) measured in the same run. Usage: bash bench/network.sh [seconds-per-run] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
rounds=${2:-3}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, kernel $(uname -r), .NET $(dotnet --version)"
echo "command: bash bench/network.sh $seconds $rounds"

dotnet build bench/Samsa.Network.Benchmarks -c Release -v quiet -nologo >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for streams in 1 16; do
  iperf3 -s -1 -p "$port" >/dev/null 2>&1 &
  server=$!
  sleep 0.5
  iperf3 -c 127.0.0.1 -p "$port" -t "$seconds" -P "$streams" -J |
    python3 -c 'import json, sys; bps = json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]; print("iperf3 loopback, %s stream(s): %.0f MiB/s" % (sys.argv[1], bps / 8 / 2**20))' "$streams"
  wait "$server" || true
done

dotnet bench/Samsa.Network.Benchmarks/bin/Release/net10.0/Samsa.Network.Benchmarks.dll "$seconds" "$rounds"

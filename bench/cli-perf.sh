#!/usr/bin/env bash
# `samsa perf produce|consume` next to librdkafka's own load tool, rdkafka_performance, on the same Samsa broker
# (bench/README.md, CLI). rdkafka_performance ships in librdkafka's source, not in Debian's binary packages, so the
# first run builds it from Debian's librdkafka source package against the system library (this enables deb-src
# in /etc/apt/sources.list.d/debian.sources when it is off) and keeps it under ~/.cache/samsa-bench.
# Usage: bash bench/cli-perf.sh [--rounds N] [--records N] [--sizes 100,1024] [--partitions 1,6] [--placements shared,pinned]
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${XDG_CACHE_HOME:-$HOME/.cache}/samsa-bench
rdkafka_perf=$tools/rdkafka_performance

build_rdkafka_performance() {
  local src
  src=$(mktemp -d)
  if ! grep -qs 'deb-src' /etc/apt/sources.list.d/debian.sources; then
    sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
  fi
  apt-get update -q > /dev/null
  # Not librdkafka-dev: its librdkafka.so link makes Confluent.Kafka (the test suite's) load Debian's old
  # librdkafka instead of its own, and the suite's mock-cluster tests then fail. Link the runtime library by path.
  apt-get install -y -q librdkafka1 gcc make > /dev/null
  (cd "$src" && apt-get source -q --download-only librdkafka > /dev/null 2>&1 && tar xzf librdkafka_*.orig.tar.gz) \
    || { echo "cli-perf: could not fetch Debian's librdkafka source package (apt-get source librdkafka)" >&2; exit 1; }
  local library
  library=$(dpkg -L librdkafka1 | grep -m1 '/librdkafka\.so\.1$')
  (cd "$src"/librdkafka-*/ && ./configure --disable-ssl --disable-gssapi > /dev/null \
    && gcc -O2 -Isrc -I. examples/rdkafka_performance.c -o "$src/rdkafka_performance" "$library" -lpthread -lm)
  mkdir -p "$tools" && mv "$src/rdkafka_performance" "$rdkafka_perf"
  rm -rf "$src"
}

[ -x "$rdkafka_perf" ] || build_rdkafka_performance
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet publish src/Samsa.Cli -c Release -r linux-x64 -o "$out" -v quiet -nologo > /dev/null
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "librdkafka $(dpkg-query -W -f '${Version}' librdkafka1 2>/dev/null) (rdkafka_performance), samsa $(git rev-parse --short HEAD)"
python3 bench/cli_perf.py "$out/samsa" "$rdkafka_perf" "$@"

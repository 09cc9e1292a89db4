#!/usr/bin/env python3
"""Summarises one bench/hotpath.sh folder as markdown against issue 4's goals (stdout)."""
import json
import statistics
import sys
from pathlib import Path

out = Path(sys.argv[1])


def load(name):
    path = out / name
    return json.loads(path.read_text()) if path.exists() and path.stat().st_size > 0 else None


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values, fmt="{:,.0f}"):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    m = fmt.format(statistics.median(values))
    return m if len(values) == 1 else f"{m} ({fmt.format(min(values))}–{fmt.format(max(values))}, n={len(values)})"


def fio(name):
    data = load(name)
    return data["jobs"][0]["write"]["bw_bytes"] / 1e6 if data else None


print((out / "machine.txt").read_text().strip().replace("\n", "  \n"))
fio_runs = [fio("fio-write-before.json"), fio("fio-write-after.json")]
fio_mb = med(fio_runs)
iperf = load("iperf3.json")
loop_mb = iperf["end"]["sum_received"]["bytes"] / iperf["end"]["sum_received"]["seconds"] / 1e6 if iperf and "end" in iperf else None
print(f"\nBaselines, same run: fio sequential write {spread(fio_runs, '{:,.1f}')} MB/s (before and after the broker runs); "
      f"iperf3 loopback {spread([loop_mb], '{:,.0f}')} MB/s.\n")

print("| goal | target | reached (median, spread min–max) | broker CPU s per M records | broker GCs per M records (gen0/1/2 total) | broker allocated B per record |")
print("| --- | --- | --- | ---: | ---: | ---: |")


def cost(runs):
    brokers = [r.get("broker") for r in runs if r.get("broker")]
    return (spread([b["cpuSecondsPerMillionRecords"] for b in brokers], "{:.2f}"),
            spread([b.get("gcsPerMillionRecords") for b in brokers], "{:.1f}"),
            spread([b.get("allocatedBytesPerRecord") for b in brokers], "{:.1f}"))


def row(goal, target, reached, runs):
    c = cost(runs)
    print(f"| {goal} | {target} | {reached} | {c[0]} | {c[1]} | {c[2]} |")


tp = load("throughput-100B.json")
for t in (tp or {}).get("throughput", []):
    if t["acks"] == "1":
        row("produce 100 B, acks=1, 6 partitions (records/s)", "≥ 1,000,000", spread([r["recordsPerSec"] for r in t["produce"]]), t["produce"])
        row("consume 100 B, 6 partitions (records/s)", "≥ 2,000,000", spread([r["recordsPerSec"] for r in t["consume"]]), t["consume"])
    else:
        row(f"produce 100 B, acks={t['acks']}, 6 partitions (records/s)", "–", spread([r["recordsPerSec"] for r in t["produce"]]), t["produce"])
batch = load("batch-1MB.json")
for t in (batch or {}).get("throughput", []):
    mb = [r["mbPerSec"] for r in t["produce"]]
    share = f"; {med(mb) / fio_mb:.0%} of fio" if fio_mb and med(mb) else ""
    row(f"produce {t['recordBytes']} B records in 1 MB batches, acks=1 (MB/s)", f"≥ 80% of fio ({0.8 * fio_mb:,.0f} MB/s)" if fio_mb else "≥ 80% of fio",
        spread(mb, "{:,.1f}") + share, t["produce"])
    row(f"consume {t['recordBytes']} B records (MB/s)", "–", spread([r["mbPerSec"] for r in t["consume"]], "{:,.1f}"), t["consume"])
lat = load("latency-100k.json")
for l in (lat or {}).get("latency", []):
    runs = l["runs"]
    print(f"| end-to-end latency p99 at {l['targetRate']:,}/s, acks={l['acks']} (ms; an upper bound of produce latency) | produce p99 < 5 ms | "
          f"p50 {spread([r['p50Ms'] for r in runs], '{:.2f}')}; p99 {spread([r['p99Ms'] for r in runs], '{:.2f}')}; p99.9 {spread([r['p999Ms'] for r in runs], '{:.2f}')} | | | |")
mem = load("partitions-memory.json")
if mem:
    mib = 1048576
    print(f"| broker RSS idle / 1,000 partitions / one record in each (MiB) | report | {mem['idleRssBytes'] / mib:.0f} / {mem['createdRssBytes'] / mib:.0f} / {mem['writtenRssBytes'] / mib:.0f} | | | |")
kcat = load("kcat.json")
if kcat:
    print(f"\nkcat (librdkafka's C client, no .NET): produce {kcat['produceRecordsPerSec']:,.0f} records/s, consume {kcat['consumeRecordsPerSec']:,.0f} records/s "
          f"({kcat['consumed']:,.0f} of {kcat['records']:,.0f}); broker CPU s per M records: produce {kcat['brokerCpuSecondsPerMillionProduce']:.2f}, "
          f"consume {kcat['brokerCpuSecondsPerMillionConsume']:.2f}. {kcat['note']}.")

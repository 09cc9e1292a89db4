"""`samsa perf` against librdkafka's own load tool (rdkafka_performance) on one Samsa broker: produce and consume
rates and the client CPU each tool spends per record, the two clients alternating.

Usage: python3 bench/cli_perf.py PATH/TO/samsa PATH/TO/rdkafka_performance [--rounds N] [--records N] [--sizes 100,1024]
       [--partitions 1,6] [--placements shared,pinned] [--latency-rate R] [--latency-only]

Placements: "shared" lets broker and client share every core; "pinned" (needs 2 cores) runs the broker on CPU 0 and
the client on CPU 1, so neither takes the other's CPU. Consume rates are compared on rdkafka_performance's clock, which
starts at the first record; samsa perf's own figure, whose clock also covers connecting and the first fetch, is
printed beside it. Both consumers verify batch CRCs (check.crcs=true, Kafka's default; librdkafka's is false).
--records is the count at 100 B; larger records keep about the same bytes, at least 2M records.
--latency-rate R adds, per placement and partition count, produce passes paced at R records/s of 100 B (10 s each,
batch.size 16384, linger.ms 5, acks=1) where each tool reports its latency percentiles: samsa perf its own,
rdkafka_performance the per-message latencies it writes with -l -A (produce call to delivery report). Starts its own broker per placement (empty data dir, free loopback port) and stops it by PID."""
import argparse
import json
import math
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, process):
    deadline = time.time() + 30
    while time.time() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the broker did not start listening within 30 s")


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Pass:
    """One client run: its own records/s figure and the CPU seconds its process used."""

    def __init__(self, rate, cpu, whole_run_rate=None):
        self.rate, self.cpu, self.whole_run_rate = rate, cpu, whole_run_rate


class Bench:
    def __init__(self, samsa, rdkafka_perf, bootstrap, client_cpus, size, records):
        self.samsa, self.rdkafka_perf, self.bootstrap = samsa, rdkafka_perf, bootstrap
        self.size, self.records = size, records
        self.pin = ["taskset", "-c", client_cpus] if client_cpus else []

    def admin(self, *args):
        subprocess.run([self.samsa, *args, "-b", self.bootstrap], check=True, timeout=60, stdout=subprocess.DEVNULL)

    def client(self, cmd):
        before = children_cpu()
        out = subprocess.run(self.pin + cmd, check=True, timeout=600, capture_output=True, text=True).stdout
        return out, children_cpu() - before

    def samsa_perf(self, verb, topic):
        extra = ["--record-size", str(self.size), "--acks", "1", "--linger-ms", "5", "--batch-size", "1000000"]
        cmd = [self.samsa, "perf", verb, topic, "--records", str(self.records), "-o", "json", "-b", self.bootstrap]
        out, cpu = self.client(cmd + (extra if verb == "produce" else []))
        result = json.loads(out)[0]
        if result["records"] != self.records:
            raise SystemExit(f"samsa perf {verb} counted {result['records']} records")
        if verb == "produce":
            return Pass(result["recordsPerSec"], cpu)
        return Pass(result["fromFirstRecordsPerSec"], cpu, result["recordsPerSec"])

    def rdkafka(self, args, counted, rate):
        out, cpu = self.client([self.rdkafka_perf, "-b", self.bootstrap, "-u", "-c", str(self.records)] + args)
        rows = [line.split("|")[1:] for line in out.splitlines() if line.startswith("|")]
        header = [cell.strip() for cell in rows[0]]
        last = dict(zip(header, (cell.strip() for cell in rows[-1])))
        if int(last[counted]) != self.records:
            raise SystemExit(f"rdkafka_performance counted {last[counted]} records")
        return Pass(float(last[rate]), cpu)

    def rdkafka_produce(self, topic):
        return self.rdkafka(["-P", "-t", topic, "-s", str(self.size), "-X", "acks=1", "-X", "linger.ms=5",
                             "-X", "batch.size=1000000", "-X", "queue.buffering.max.messages=1000000"], "dr", "dr_m/s")

    def rdkafka_consume(self, topic, partitions):
        each = [arg for p in range(partitions) for arg in ("-p", str(p))]
        return self.rdkafka(["-C", "-t", topic, "-o", "beginning", "-X", "check.crcs=true"] + each, "msgs", "m/s")

    def samsa_latency(self, topic, rate):
        cmd = [self.samsa, "perf", "produce", topic, "--records", str(self.records), "--record-size", str(self.size),
               "--throughput", str(rate), "--acks", "1", "--linger-ms", "5", "-o", "json", "-b", self.bootstrap]
        result = json.loads(self.client(cmd)[0])[0]
        if result["records"] != self.records:
            raise SystemExit(f"samsa perf produce counted {result['records']} records")
        return {p: result[f"{p}Ms"] for p in PERCENTILES}

    def rdkafka_latency(self, topic, rate):
        with tempfile.NamedTemporaryFile(prefix="rdkafka-latency-") as latencies:
            self.rdkafka(["-P", "-t", topic, "-s", str(self.size), "-r", str(rate), "-l", "-A", latencies.name,
                          "-X", "acks=1", "-X", "linger.ms=5", "-X", "batch.size=16384"], "dr", "dr_m/s")
            with open(latencies.name) as lines:
                micros = sorted(float(line.split()[0]) for line in lines if line.strip())
        if len(micros) != self.records:
            raise SystemExit(f"rdkafka_performance wrote {len(micros)} latencies")
        return {p: nearest_rank(micros, fraction) / 1000 for p, fraction in PERCENTILES.items()}

    def round(self, number, partitions, rate=None):
        """Both tools on a fresh topic each, taking turns to go first: throughput passes, or paced latency passes."""
        if rate:
            clients = [("samsa perf", lambda topic, _: self.samsa_latency(topic, rate)),
                       ("librdkafka", lambda topic, _: self.rdkafka_latency(topic, rate))]
        else:
            clients = [("samsa perf", self.samsa_perf_pair), ("librdkafka", self.rdkafka_pair)]
        if number % 2:
            clients.reverse()
        passes = {}
        for name, measure in clients:
            topic = f"cli-{'latency' if rate else 'perf'}-{name.split()[0]}-{self.size}-{partitions}-{number}"
            self.admin("topic", "create", topic, "--partitions", str(partitions))
            passes[name] = measure(topic, partitions)
            self.admin("topic", "delete", topic)
        return passes

    def samsa_perf_pair(self, topic, _):
        return self.samsa_perf("produce", topic), self.samsa_perf("consume", topic)

    def rdkafka_pair(self, topic, partitions):
        return self.rdkafka_produce(topic), self.rdkafka_consume(topic, partitions)


PERCENTILES = {"p50": 0.5, "p95": 0.95, "p99": 0.99, "p99.9": 0.999, "max": 1.0}


def nearest_rank(ordered, fraction):
    return ordered[max(0, min(len(ordered), math.ceil(fraction * len(ordered))) - 1)]


def report_latency(placement, partitions, rate, rounds):
    print(f"\n{placement}, {partitions} partition(s), produce paced at {rate:,} records/s of 100 B: latency ms per round "
          f"(p50 / p99), the medians of each percentile")
    medians = {}
    for client in ("librdkafka", "samsa perf"):
        shown = ", ".join(f"{r[client]['p50']:.2f}/{r[client]['p99']:.2f}" for r in rounds)
        medians[client] = {p: statistics.median(r[client][p] for r in rounds) for p in PERCENTILES}
        print(f"  {client:10} {shown}  median " + " ".join(f"{p} {v:.2f}" for p, v in medians[client].items()))
    print("  samsa perf / librdkafka: " + " ".join(
        f"{p} {medians['samsa perf'][p] / medians['librdkafka'][p]:.2f}" for p in PERCENTILES))


def records_for(size, records):
    return records if size <= 100 else max(2_000_000, records * 100 // size)


def report(placement, partitions, size, rounds, records):
    print(f"\n{placement}, {partitions} partition(s), {records:,} records of {size} B: records/s per round, the median, "
          f"client CPU µs per record")
    medians = {}
    for client in ("librdkafka", "samsa perf"):
        for i, verb in enumerate(("produce", "consume")):
            passes = [r[client][i] for r in rounds]
            medians[(client, verb)] = statistics.median(p.rate for p in passes)
            shown = ", ".join(f"{p.rate / 1000:,.0f}k" for p in passes)
            cpu = statistics.median(p.cpu for p in passes) / records * 1e6
            line = f"  {client:10} {verb:7}  {shown}  median {medians[(client, verb)] / 1000:,.0f}k  cpu {cpu:.2f} µs"
            if passes[0].whole_run_rate is not None:
                whole = statistics.median(p.whole_run_rate for p in passes)
                line += f"  (own clock from start: median {whole / 1000:,.0f}k)"
            print(line)
    for verb in ("produce", "consume"):
        print(f"  samsa perf / librdkafka, {verb}: {medians[('samsa perf', verb)] / medians[('librdkafka', verb)]:.2f}")


def run_placement(args, placement):
    work = tempfile.mkdtemp(prefix="samsa-cli-perf-")
    port = free_port()
    pinned = placement == "pinned"
    broker_pin = ["taskset", "-c", "0"] if pinned else []
    broker = subprocess.Popen(broker_pin + [args.samsa, "server", "--override", f"listeners=PLAINTEXT://127.0.0.1:{port}",
                                            "--override", f"log.dirs={work}/data"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, broker)
        for size in (int(s) for s in args.sizes.split(",")):
            records = records_for(size, args.records)
            bench = Bench(args.samsa, args.rdkafka_performance, f"127.0.0.1:{port}", "1" if pinned else None, size, records)
            for partitions in (int(p) for p in args.partitions.split(",")):
                if not args.latency_only:
                    report(placement, partitions, size, [bench.round(n, partitions) for n in range(args.rounds)], records)
                if args.latency_rate and size == 100:
                    paced = Bench(args.samsa, args.rdkafka_performance, bench.bootstrap, "1" if pinned else None, 100,
                                  args.latency_rate * 10)
                    rounds = [paced.round(n, partitions, args.latency_rate) for n in range(args.rounds)]
                    report_latency(placement, partitions, args.latency_rate, rounds)
    finally:
        broker.send_signal(signal.SIGTERM)
        try:
            broker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            broker.kill()
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("samsa")
    parser.add_argument("rdkafka_performance")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--sizes", default="100,1024")
    parser.add_argument("--partitions", default="1,6")
    parser.add_argument("--placements", default="shared,pinned")
    parser.add_argument("--latency-rate", type=int, default=0)
    parser.add_argument("--latency-only", action="store_true")
    args = parser.parse_args()
    placements = args.placements.split(",")
    if "pinned" in placements and (os.cpu_count() or 1) < 2:
        raise SystemExit("the pinned placement needs 2 cores")
    print(f"acks=1, linger.ms=5, batch.size 1000000; each tool's own "
          f"figure (produce: clock from start to the last acknowledgement; consume: from the first record to the "
          f"last); client CPU is user+system time of the client process; the clients alternate first")
    for placement in placements:
        run_placement(args, placement)


if __name__ == "__main__":
    main()

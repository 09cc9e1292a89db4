"""`samsa perf` against librdkafka's own load tool (rdkafka_performance) on one Samsa broker: produce and consume
rates and the client CPU each tool spends per record, the two clients alternating.

Usage: python3 bench/cli_perf.py PATH/TO/samsa PATH/TO/rdkafka_performance [--rounds N] [--records N] [--sizes 100,1024]
       [--partitions 1,6] [--placements shared,pinned]

Placements: "shared" lets broker and client share every core; "pinned" (needs 2 cores) runs the broker on CPU 0 and
the client on CPU 1, so neither takes the other's CPU. Consume rates are compared on rdkafka_performance's clock, which
starts at the first record; samsa perf's own figure, whose clock also covers connecting and the first fetch, is
printed beside it. Both consumers verify batch CRCs (check.crcs=true, Kafka's default; librdkafka's is false).
--records is the count at 100 B; larger records keep about the same bytes, at least 2M records. Starts its own broker per placement (empty data dir, free loopback port) and stops it by PID."""
import argparse
import json
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

    def round(self, number, partitions):
        passes = {}
        clients = [("samsa perf", self.samsa_perf_pair), ("librdkafka", self.rdkafka_pair)]
        if number % 2:
            clients.reverse()
        for name, pair in clients:
            topic = f"cli-perf-{name.split()[0]}-{self.size}-{partitions}-{number}"
            self.admin("topic", "create", topic, "--partitions", str(partitions))
            passes[name] = pair(topic, partitions)
            self.admin("topic", "delete", topic)
        return passes

    def samsa_perf_pair(self, topic, _):
        return self.samsa_perf("produce", topic), self.samsa_perf("consume", topic)

    def rdkafka_pair(self, topic, partitions):
        return self.rdkafka_produce(topic), self.rdkafka_consume(topic, partitions)


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
                report(placement, partitions, size, [bench.round(n, partitions) for n in range(args.rounds)], records)
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

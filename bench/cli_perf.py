"""`samsa perf` against librdkafka's own load tool (rdkafka_performance) on one Samsa broker: produce and consume
rates, the two clients alternating.

Usage: python3 bench/cli_perf.py PATH/TO/samsa PATH/TO/rdkafka_performance [--rounds N] [--records N] [--size BYTES]
       [--partitions 1,6]
Starts its own broker (empty data dir, free loopback port) and stops it by PID at the end."""
import argparse
import json
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


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, timeout=300, **kw)


class Bench:
    def __init__(self, samsa, rdkafka_perf, bootstrap, args):
        self.samsa, self.rdkafka_perf, self.bootstrap, self.args = samsa, rdkafka_perf, bootstrap, args

    def topic(self, name, partitions):
        run([self.samsa, "topic", "create", name, "--partitions", str(partitions), "-b", self.bootstrap],
            stdout=subprocess.DEVNULL)

    def drop(self, name):
        run([self.samsa, "topic", "delete", name, "-b", self.bootstrap], stdout=subprocess.DEVNULL)

    def samsa_perf(self, verb, topic):
        extra = ["--record-size", str(self.args.size), "--acks", "1", "--linger-ms", "5", "--batch-size", "1000000"]
        cmd = [self.samsa, "perf", verb, topic, "--records", str(self.args.records), "-o", "json", "-b", self.bootstrap]
        out = run(cmd + (extra if verb == "produce" else []), capture_output=True, text=True).stdout
        result = json.loads(out)[0]
        if result["records"] != self.args.records:
            raise SystemExit(f"samsa perf {verb} counted {result['records']} records")
        return result["recordsPerSec"]

    def rdkafka(self, args):
        out = run([self.rdkafka_perf, "-b", self.bootstrap, "-u", "-c", str(self.args.records)] + args,
                  capture_output=True, text=True).stdout
        rows = [line.split("|")[1:] for line in out.splitlines() if line.startswith("|")]
        header = [cell.strip() for cell in rows[0]]
        last = [cell.strip() for cell in rows[-1]]
        return header, last

    def rdkafka_produce(self, topic):
        header, last = self.rdkafka(["-P", "-t", topic, "-s", str(self.args.size), "-X", "acks=1", "-X", "linger.ms=5",
                                     "-X", "batch.size=1000000", "-X", "queue.buffering.max.messages=1000000"])
        if int(last[header.index("dr")]) != self.args.records:
            raise SystemExit(f"rdkafka_performance delivered {last[header.index('dr')]} records")
        return float(last[header.index("dr_m/s")])

    def rdkafka_consume(self, topic, partitions):
        each = [arg for p in range(partitions) for arg in ("-p", str(p))]
        header, last = self.rdkafka(["-C", "-t", topic, "-o", "beginning"] + each)
        if int(last[header.index("msgs")]) != self.args.records:
            raise SystemExit(f"rdkafka_performance consumed {last[header.index('msgs')]} records")
        return float(last[header.index("m/s")])

    def round(self, number, partitions):
        rates = {}
        clients = [("samsa perf", self.samsa_perf_pair), ("librdkafka", self.rdkafka_pair)]
        if number % 2:
            clients.reverse()
        for name, pair in clients:
            topic = f"cli-perf-{name.split()[0]}-{partitions}-{number}"
            self.topic(topic, partitions)
            rates[name] = pair(topic, partitions)
            self.drop(topic)
        return rates

    def samsa_perf_pair(self, topic, _):
        return self.samsa_perf("produce", topic), self.samsa_perf("consume", topic)

    def rdkafka_pair(self, topic, partitions):
        return self.rdkafka_produce(topic), self.rdkafka_consume(topic, partitions)


def report(partitions, rounds):
    print(f"\n{partitions} partition(s): records/s per round, then the median")
    medians = {}
    for client in ("librdkafka", "samsa perf"):
        for i, verb in enumerate(("produce", "consume")):
            values = [r[client][i] for r in rounds]
            medians[(client, verb)] = statistics.median(values)
            shown = ", ".join(f"{v / 1000:,.0f}k" for v in values)
            print(f"  {client:10} {verb:7}  {shown}  median {medians[(client, verb)] / 1000:,.0f}k")
    for verb in ("produce", "consume"):
        print(f"  samsa perf / librdkafka, {verb}: {medians[('samsa perf', verb)] / medians[('librdkafka', verb)]:.2f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("samsa")
    parser.add_argument("rdkafka_performance")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--records", type=int, default=2_000_000)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--partitions", default="1,6")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="samsa-cli-perf-")
    port = free_port()
    broker = subprocess.Popen([args.samsa, "server", "--override", f"listeners=PLAINTEXT://127.0.0.1:{port}",
                               "--override", f"log.dirs={work}/data"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, broker)
        bench = Bench(args.samsa, args.rdkafka_performance, f"127.0.0.1:{port}", args)
        print(f"{args.records:,} records of {args.size} B, acks=1, linger.ms=5, batch.size 1000000; each tool's own "
              f"figure (clock from its start to the last acknowledgement or record); the clients alternate first")
        for partitions in (int(p) for p in args.partitions.split(",")):
            report(partitions, [bench.round(n, partitions) for n in range(args.rounds)])
    finally:
        broker.send_signal(signal.SIGTERM)
        try:
            broker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            broker.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Time from exec of the samsa binary to its answering an ApiVersions request (serving), and from SIGTERM to exit.

Usage: python3 bench/startup.py PATH/TO/samsa [runs]. Each run uses an empty data dir and a free port."""
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_run(binary):
    port = free_port()
    data = tempfile.mkdtemp(prefix="samsa-startup-")
    start = time.perf_counter()
    process = subprocess.Popen(
        [binary, "server", "--override", f"listeners=PLAINTEXT://127.0.0.1:{port}", "--override", f"log.dirs={data}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = start + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
                # ApiVersions v0, correlation id 1, null client id: the broker answers once it serves requests.
                client.sendall(bytes([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF]))
                if len(client.recv(4)) != 4:
                    raise OSError("closed")
            break
        except OSError:
            if time.perf_counter() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit("the broker did not start listening within 10 s")
            time.sleep(0.002)
    listening = time.perf_counter()
    with open(f"/proc/{process.pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    return listening - start, time.perf_counter() - listening, cpu


def main():
    binary = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    one_run(binary)  # warm the file cache
    results = [one_run(binary) for _ in range(runs)]
    up = sorted(r[0] * 1000 for r in results)
    down = sorted(r[1] * 1000 for r in results)
    cpu = sorted(r[2] * 1000 for r in results)
    print(f"start-up to serving:   median {statistics.median(up):.0f} ms, min {up[0]:.0f} ms, max {up[-1]:.0f} ms ({runs} runs)")
    print(f"CPU time to serving:   median {statistics.median(cpu):.0f} ms, min {cpu[0]:.0f} ms, max {cpu[-1]:.0f} ms")
    print(f"SIGTERM to exit:       median {statistics.median(down):.0f} ms, min {down[0]:.0f} ms, max {down[-1]:.0f} ms")


main()

"""Wall time of a short CLI command, the way hyperfine measures it: one warm-up, then N runs of subprocess.run.

Usage: python3 bench/cli_startup.py [--runs N] COMMAND [ARGS...]   e.g. bench/cli_startup.py samsa topic list -b H:P"""
import statistics
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    runs = 20
    if args[:1] == ["--runs"]:
        runs, args = int(args[1]), args[2:]
    subprocess.run(args, stdout=subprocess.DEVNULL, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - start) * 1000)
    print(f"{' '.join(args)}: median {statistics.median(times):.0f} ms, min {min(times):.0f}, max {max(times):.0f} ({runs} runs)")


if __name__ == "__main__":
    main()

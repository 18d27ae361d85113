"""What a request pays for its database connection on PostgreSQL, pooled or not.

Under ASGI (daphne) Django closes a request's connection when the request ends
(CONN_MAX_AGE 0, fanloop/settings.py); the next request opens one again unless
psycopg's pool lends it an open one. Each cycle here is what a request does: the
first query on a fresh connection, then the close at the end. Prints p50/p95 per
cycle for each setting, in alternating rounds (this machine's speed drifts).

    .venv/bin/python bench/db_connect.py    # the forum api_posts.py --postgres made
    .venv/bin/python bench/db_connect.py --url postgres://postgres@127.0.0.1:5432/fanloop
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CYCLES = """
import statistics, time
import django
django.setup()
from django.db import connection
from community.models import Fan
assert (connection.pool is not None) == {pooled}
Fan.objects.first()  # warm: the pool opens, the ORM compiles
times = []
for _ in range({n}):
    t = time.perf_counter()
    Fan.objects.first()
    connection.close()
    times.append(time.perf_counter() - t)
print(" ".join(f"{{1000 * s:.3f}}" for s in times))
"""


def run(url: str, pooled: bool, n: int) -> list[float]:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="fanloop.settings")
    env["DATABASE_POOL_MAX"] = "8" if pooled else "0"
    env.pop("DATABASE_CONN_MAX_AGE", None)
    out = subprocess.run(
        [sys.executable, "-c", CYCLES.format(pooled=pooled, n=n)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return [float(x) for x in out.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/benchapi")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[bool, list[float]] = {False: [], True: []}
    for _round in range(args.rounds):
        for pooled in (False, True):
            results[pooled] += run(args.url, pooled, args.n)
    for pooled, times in results.items():
        q = statistics.quantiles(times, n=100)
        print(
            f"{'pool' if pooled else 'a connection per request'}: "
            f"first query + close p50 {q[49]:.2f} ms, p95 {q[94]:.2f} ms "
            f"({len(times)} requests)"
        )


if __name__ == "__main__":
    main()

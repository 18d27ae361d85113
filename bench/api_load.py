"""Creating pain points and asking for suggestions while other fans do the same.

``api_posts.py`` times one request at a time in one process; here a production
server (gunicorn, 2 sync workers, DEBUG off) on a copy of its 100,000-post forum
(run ``api_posts.py --posts 100000`` first) serves ``--clients`` fans at once,
each sending ``--n`` ``POST /api/v1/posts`` straight to the API, then ``--n`` the
form's way: a suggestion request (``GET /api/v1/similar?per_theme=true``) for the
typed title and body, then the post of those words, over HTTP on 127.0.0.1.
Prints p50/p95 latency and requests per second for each server setting:
``FANLOOP_ENCODER_THREADS`` (the encoder's OpenMP threads) and
``FANLOOP_BLAS_THREADS`` (NumPy's BLAS threads in a server process, 0 = the
library's default). The workers load the similarity index from a snapshot made
before they start; the server is stopped at the end.

    .venv/bin/python bench/api_load.py                   # ~4 minutes
    .venv/bin/python bench/api_load.py --clients 4 --n 50
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages  # noqa: E402 - the production server helpers of bench/pages.py
from api_posts import TITLES  # noqa: E402 - the same posts as the one-at-a-time bench

OUT = pages.OUT
GROWN = OUT / "api-100000.sqlite3"
COPY = OUT / "load.sqlite3"
SNAPSHOT = OUT / "load-index.npz"

# (encoder threads, BLAS threads): the shipped setting first.
SETTINGS = [(1, 1), (1, 0), (2, 0)]

PREPARE = """
from community.models import Board, Fan
from community.services.fans import token_issue
from feedback.services.index import get_index
get_index()  # built once and saved as the snapshot the workers load
fan = Fan.objects.filter(is_active=True).order_by("pk").first()
board = Board.objects.filter(is_feedback=True).order_by("pk").first()
print(token_issue(fan=fan, name="load") + " " + board.slug)
"""


def fan(port: int, token: str, board: str, n: int, seed: int, out: dict) -> None:
    """One fan: ``n`` posts sent straight to the API (as an integrator does), then
    ``n`` through the form's way: suggestions for the typed title and body, then
    the post of those words (which takes the vector the suggestions computed)."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def send(kind, method, path, body=None, expect=200):
        started = time.perf_counter()
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        response.read()
        out[kind].append(time.perf_counter() - started)
        if response.status != expect:
            out["errors"].append(response.status)

    def payload(title, body):
        return json.dumps({"board": board, "kind": "bug", "title": title, "body": body})

    for i in range(n):
        title = f"{rng.choice(TITLES)} ({seed}-{i})"
        send("post", "POST", "/api/v1/posts", payload(title, f"{title}. Again."), 201)
    for i in range(n):
        title = f"{rng.choice(TITLES)} ({seed}-{i}f)"
        body = f"Since the update. {seed} {i}"
        query = urllib.parse.urlencode(
            {"text": f"{title}\n{body}", "per_theme": "true"}
        )
        send("similar", "GET", f"/api/v1/similar?{query}")
        send("form_post", "POST", "/api/v1/posts", payload(title, body), 201)
    conn.close()


def measure(env: dict, clients: int, n: int, token: str, board: str) -> dict:
    port = pages.free_port()
    proc = pages.start_server(env, port, workers=2, server="gunicorn")
    try:
        pages.wait_ready(f"http://127.0.0.1:{port}/api/v1/themes", proc)
        warm = {"post": [], "similar": [], "form_post": [], "errors": []}
        fan(port, token, board, 4, seed=999, out=warm)  # each worker's first requests
        fan(port, token, board, 4, seed=998, out=warm)
        out = {"post": [], "similar": [], "form_post": [], "errors": []}
        started = time.perf_counter()
        threads = [
            threading.Thread(target=fan, args=(port, token, board, n, seed, out))
            for seed in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        out["seconds"] = time.perf_counter() - started
        return out
    finally:
        pages.stop_server(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2, help="fans at once")
    parser.add_argument("--n", type=int, default=60, help="posts (and queries) each")
    args = parser.parse_args()
    if not GROWN.exists():
        raise SystemExit(f"{GROWN} is missing: run api_posts.py --posts 100000 first")

    rows = []
    for encoder, blas in SETTINGS:
        shutil.copy(GROWN, COPY)
        for stale in (Path(f"{COPY}-wal"), Path(f"{COPY}-shm")):
            stale.unlink(missing_ok=True)
        env = pages.database_env("sqlite")
        env.update(
            DATABASE_URL=f"sqlite:///{COPY}",
            RATELIMIT_ENABLE="0",
            FANLOOP_INDEX_SNAPSHOT=str(SNAPSHOT),
            FANLOOP_INDEX_WARMUP="1",
            FANLOOP_ENCODER_THREADS=str(encoder),
            FANLOOP_BLAS_THREADS=str(blas),
        )
        pages.manage(env, "migrate", "--noinput", "--skip-checks")
        token, board = pages.manage(env, "shell", "-c", PREPARE).split()[-2:]
        result = measure(env, args.clients, args.n, token, board)
        rows.append((encoder, blas, result))
        print(f"encoder {encoder} · BLAS {blas or 'default'}: done", flush=True)

    print()
    print(
        f"{args.clients} fans at once, {args.n} posts, then {args.n} suggestion "
        f"requests each followed by the post of their text; gunicorn × 2 workers, "
        f"100,000 posts, SQLite"
    )
    header = (
        f"{'encoder':>7} {'BLAS':>7} {'POST p50':>9} {'p95':>6} "
        f"{'similar p50':>12} {'p95':>6} {'form POST p50':>14} {'p95':>6} "
        f"{'req/s':>6} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))

    def ms(values, q):
        return 1000 * statistics.quantiles(values, n=100)[q - 1]

    for encoder, blas, r in rows:
        post, similar, form = r["post"], r["similar"], r["form_post"]
        print(
            f"{encoder:>7} {blas or 'default':>7} {ms(post, 50):>9.1f} "
            f"{ms(post, 95):>6.1f} {ms(similar, 50):>12.1f} {ms(similar, 95):>6.1f} "
            f"{ms(form, 50):>14.1f} {ms(form, 95):>6.1f} "
            f"{(len(post) + len(similar) + len(form)) / r['seconds']:>6.1f} "
            f"{len(r['errors']):>6}"
        )


if __name__ == "__main__":
    main()

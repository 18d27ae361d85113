"""Search speed at scale (issue: search), database backend.

Builds a throw-away database (SQLite file under bench/out/, or PostgreSQL database
``benchsearch`` with --db postgres), seeds N bilingual demo threads with
``seed_demo``, then prints the time to index them all (``search_index --rebuild``)
and p50/p95 of 200 searches through the search service (facets, visibility check
and snippets included). The queries are built from words of randomly chosen posts
(English and Chinese, one to three words, some in Traditional characters, some
phrases), so they hit the corpus as a person's would; nothing is hard-coded.

    .venv/bin/python bench/search.py                 # SQLite, 100,000 posts
    .venv/bin/python bench/search.py --db postgres
    .venv/bin/python bench/search.py --posts 20000 --queries 100
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reuse", action="store_true", help="Keep the seeded database if present."
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.db == "sqlite":
        path = OUT / "search.sqlite3"
        if path.exists() and not args.reuse:
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        if not args.reuse:
            psql("drop database if exists benchsearch")
            psql("create database benchsearch")
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/benchsearch"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanloop.settings")
    os.environ["FANLOOP_SEARCH_BACKEND"] = "database"
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from community.models import Thread

    call_command("migrate", verbosity=0)
    if not Thread.objects.exists():
        started = time.perf_counter()
        call_command(
            "seed_demo",
            "--threads",
            str(args.posts),
            "--replies",
            "0",
            "--fans",
            "2000",
            stdout=open(os.devnull, "w"),  # noqa: SIM115
        )
        print(
            f"seeded {Thread.objects.count()} threads in "
            f"{time.perf_counter() - started:.0f} s"
        )
    index(args)
    measure(args)


def index(args) -> None:
    from fanloop.search import registry
    from fanloop.search.backends import get_backend

    backend = get_backend()
    kind = registry.get("post")
    started = time.perf_counter()
    backend.rebuild("post", kind.documents(None))
    took = time.perf_counter() - started
    print(f"[{args.db}] indexed {backend.count('post')} posts in {took:.1f} s")


def realistic_queries(n: int, rng: random.Random) -> list[str]:
    """Queries made of words from random posts: mostly one or two words, some
    three, some quoted phrases, a third of the Chinese ones in Traditional."""
    from opencc import OpenCC

    from community.models import Thread
    from community.text import CJK_RE, segment

    to_traditional = OpenCC("s2t")
    ids = list(Thread.objects.values_list("pk", flat=True))
    queries: list[str] = []
    while len(queries) < n:
        title, body = Thread.objects.values_list("title", "body").get(
            pk=rng.choice(ids)
        )
        words = [
            w for w in segment(f"{title} {body}") if len(w) > 1 and not w.isdigit()
        ]
        if not words:
            continue
        size = rng.choices([1, 2, 3], weights=[45, 40, 15])[0]
        start = rng.randrange(len(words))
        chosen = words[start : start + size]
        query = " ".join(chosen)
        if rng.random() < 0.1 and len(chosen) > 1:
            query = f'"{query}"'
        if CJK_RE.search(query) and rng.random() < 0.33:
            query = to_traditional.convert(query)
        queries.append(query)
    return queries


def measure(args) -> None:
    from django.contrib.auth.models import AnonymousUser

    from fanloop.search import service

    rng = random.Random(args.seed)
    queries = realistic_queries(args.queries, rng)
    viewer = AnonymousUser()
    for q in queries[:20]:  # warm the caches
        service.search(q, viewer=viewer)
    timings, totals = [], []
    for q in queries:
        started = time.perf_counter()
        results = service.search(q, viewer=viewer)
        timings.append((time.perf_counter() - started) * 1000)
        totals.append(results.total)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    zh = sum(1 for q in queries if any("\u4e00" <= c <= "\u9fff" for c in q))
    print(
        f"[{args.db}] {len(queries)} queries ({zh} Chinese): "
        f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
        f"max {timings[-1]:.1f} ms; median hits {statistics.median(totals):.0f}, "
        f"max hits {max(totals)}"
    )
    slowest = sorted(zip(timings, queries, strict=True))[-3:]
    print("slowest:", "; ".join(f"{q!r} {t:.0f} ms" for t, q in slowest))


if __name__ == "__main__":
    main()

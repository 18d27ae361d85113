"""``manage.py recluster`` end to end on a forum of N pain points.

Runs the command as an operator does (loading the posts, the engine, moving the
posts, recounting the themes, updating the search index in the same commit) on a
copy of a grown forum and prints its report, the wall time and the command's peak
RSS. The forum is the one ``bench/api_posts.py --posts N`` grows (variants of the
demo posts in themes of about ten, so re-clustering moves almost every post: the
most writing a re-cluster can do).

    .venv/bin/python bench/recluster.py                  # SQLite
    .venv/bin/python bench/recluster.py --db postgres    # PostgreSQL

SQLite: the copy is made from ``bench/out/api-<N>.sqlite3`` (``bench/api_posts.py``
makes it when missing). PostgreSQL: the first run seeds the database
"benchrecluster_seed" (migrate, seed_demo, seed_feedback, then the same growth;
about 5 minutes) and keeps it; every run works on a copy made from it as a
template. The SQLite figure counts the database file's pages the process maps
(``mmap_size``, ~0.19 GB at 100,000 posts) in its RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432"
PG_SEED = "benchrecluster_seed"
PG_RUN = "benchrecluster"

COUNT = "from feedback.models import PainPoint; print(PainPoint.objects.count())"
GROW = "import sys; sys.path.insert(0, 'bench'); from api_posts import grow; grow({n})"


def run(cmd: list[str], env: dict, timeout: float = 1800) -> str:
    result = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed ({result.returncode}): {' '.join(cmd)}")
    return result.stdout


def psql(sql: str) -> str:
    return run(["psql", f"{PG_ADMIN_URL}/postgres", "-tAc", sql], dict(os.environ))


def sqlite_copy(posts: int) -> dict:
    grown = OUT / f"api-{posts}.sqlite3"
    if not grown.exists():
        print(f"growing a forum of {posts} posts (bench/api_posts.py)…", flush=True)
        run([PY, "bench/api_posts.py", "--posts", str(posts), "--n", "20"], os.environ)
    copy = OUT / "recluster.sqlite3"
    for stale in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
        stale.unlink(missing_ok=True)
    shutil.copy(grown, copy)
    return {**os.environ, "DATABASE_URL": f"sqlite:///{copy}"}


def postgres_copy(posts: int, name: str = PG_RUN) -> dict:
    """A fresh database ``name`` holding the seeded forum of ``posts`` pain points
    (seeded once into ``PG_SEED``); returns the environment that points at it."""
    seed_env = {**os.environ, "DATABASE_URL": f"{PG_ADMIN_URL}/{PG_SEED}"}
    exists = psql(f"select 1 from pg_database where datname = '{PG_SEED}'")  # noqa: S608
    have = -1
    if exists.strip():
        have = int(run([PY, "manage.py", "shell", "-c", COUNT], seed_env).split()[-1])
    if have != posts:
        print(f"seeding {PG_SEED} with {posts} posts (once, ~5 min)…", flush=True)
        started = time.monotonic()
        psql(f"drop database if exists {PG_SEED}")
        psql(f"create database {PG_SEED}")
        for command in (
            ["migrate", "--noinput"],
            ["seed_demo", "--if-empty"],
            ["seed_feedback"],
            ["shell", "-c", GROW.format(n=posts)],
        ):
            run([PY, "manage.py", *command], seed_env)
        print(f"seeded in {time.monotonic() - started:.0f} s", flush=True)
    psql(f"drop database if exists {name}")
    psql(f"create database {name} template {PG_SEED}")
    return {**os.environ, "DATABASE_URL": f"{PG_ADMIN_URL}/{name}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    env = sqlite_copy(args.posts) if args.db == "sqlite" else postgres_copy(args.posts)
    env["FANLOOP_INDEX_SNAPSHOT"] = ""  # the command alone, no index to save
    started = time.monotonic()
    report = run([PY, "manage.py", "recluster"], env)
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss >> 10
    print(report.rstrip())
    print(
        f"recluster ({args.db}, {args.posts} posts): {seconds:.1f} s with start-up, "
        f"peak RSS {peak} MB"
    )


if __name__ == "__main__":
    main()

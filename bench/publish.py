"""Release publishing and changelog page speed (issue: releases).

Builds a throw-away database (SQLite file bench/out/releases.sqlite3, or PostgreSQL
database ``benchreleases`` with --db postgres) with T themes whose posts hold V votes
from F fans, then prints:

- the time to publish one release of T items (credits, reputation, badges, shipped
  themes, notifications, the Wagtail page), and a second, idempotent publish;
- requests/s and latency of the published changelog page for anonymous readers,
  served by gunicorn (2 workers, DEBUG off) and measured with wrk against 127.0.0.1.

    .venv/bin/python bench/publish.py                 # 50 items, 200,000 votes
    .venv/bin/python bench/publish.py --db postgres
    .venv/bin/python bench/publish.py --votes 20000 --duration 5
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))

from pages import (  # noqa: E402 (the sibling script's helpers)
    free_port,
    manage,
    production,
    start_server,
    stop_server,
    wait_ready,
    wrk,
)


def database_url(kind: str) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        path = OUT / "releases.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    for sql in (
        "drop database if exists benchreleases",
        "create database benchreleases",
    ):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],
            check=True,
        )
    return "postgres://postgres@127.0.0.1:5432/benchreleases"


def seed(args) -> dict:
    """T themes, P posts each, V votes spread over the posts by F distinct fans."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from community.models import Board, Fan, Thread
    from community.services.fans import role_grant
    from feedback.models import PainPoint, Theme, Vote
    from feedback.services.counters import themes_recount

    rng = random.Random(7)
    started = time.perf_counter()
    password = make_password("bench")
    Fan.objects.bulk_create(
        [
            Fan(username=f"f{i}", email=f"f{i}@example.com", password=password)
            for i in range(args.fans)
        ],
        batch_size=5000,
    )
    fans = list(Fan.objects.values_list("pk", flat=True))
    pm = Fan.objects.create(username="pm", email="pm@example.com", password=password)
    role_grant(fan=pm, role="pm")
    board = Board.objects.create(name="Camera", slug="camera", is_feedback=True)
    now = timezone.now()
    themes = Theme.objects.bulk_create(
        [
            Theme(title=f"Theme {i}", board=board, status="planned", created_at=now)
            for i in range(args.themes)
        ]
    )
    threads = Thread.objects.bulk_create(
        [
            Thread(
                board=board,
                author_id=rng.choice(fans),
                title=f"Post {t}-{p}",
                body="x",
                body_html="<p>x</p>",
                created_at=now,
                last_activity_at=now,
            )
            for t in range(args.themes)
            for p in range(args.posts)
        ],
        batch_size=5000,
    )
    PainPoint.objects.bulk_create(
        [
            PainPoint(
                thread=thread,
                kind="bug",
                theme=themes[n // args.posts],
                created_at=thread.created_at,
            )
            for n, thread in enumerate(threads)
        ],
        batch_size=5000,
    )
    posts = list(PainPoint.objects.order_by("pk").values_list("pk", flat=True))
    per_post = args.votes // len(posts)
    votes = []
    for n, post in enumerate(posts):
        # Distinct fans per post by construction: a window of the fan list.
        start = (n * 37) % max(1, len(fans) - per_post)
        votes += [Vote(fan_id=f, post_id=post) for f in fans[start : start + per_post]]
    Vote.objects.bulk_create(votes, batch_size=5000)
    themes_recount([t.pk for t in themes])
    return {
        "seed_s": round(time.perf_counter() - started, 1),
        "themes": len(themes),
        "posts": len(posts),
        "votes": Vote.objects.count(),
        "fans": len(fans),
    }


def publish(args) -> dict:
    from community.models import Fan, Notification, ReputationEntry
    from feedback.models import Theme
    from releases.models import Credit
    from releases.services import ItemSpec, release_create, release_publish

    pm = Fan.objects.get(username="pm")
    themes = list(Theme.objects.order_by("pk")[: args.themes])
    release = release_create(
        version="24.11.22",
        channel="stable",
        by=pm,
        items=[ItemSpec(theme=t) for t in themes],
    )
    started = time.perf_counter()
    page = release_publish(release=release, by=pm)
    first = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.perf_counter()
    release_publish(release=release, by=pm)
    second = time.perf_counter() - started
    return {
        "publish_s": round(first, 2),
        "republish_s": round(second, 2),
        "process_peak_mb": round(peak / 1e6, 1),
        "credits": Credit.objects.count(),
        "named_credits": Credit.objects.exclude(role="voter").count(),
        "reputation_entries": ReputationEntry.objects.count(),
        "notifications": Notification.objects.count(),
        "url": page.url,
    }


def inner(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanloop.settings")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    # As deployed: DEBUG off (no query log), mail sent later by the task worker.
    os.environ["DEBUG"] = "0"
    os.environ["FANLOOP_TASKS_BACKEND"] = "database"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = seed(args)
    result.update(publish(args))
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--themes", type=int, default=50)
    parser.add_argument("--posts", type=int, default=40, help="posts per theme")
    parser.add_argument("--fans", type=int, default=20_000)
    parser.add_argument("--votes", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args)
        return
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env["DATABASE_URL"] = database_url(args.db)
    print(f"seeding and publishing on {args.db}…", flush=True)
    out = subprocess.run(
        [sys.executable, __file__, "--inner", *sys.argv[1:]],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    for key, value in result.items():
        print(f"  {key:20} {value}")
    manage(production(env), "collectstatic", "--noinput", "--skip-checks", "-v0")
    port = free_port()
    server = start_server(env, port, args.workers, "gunicorn")
    url = f"http://127.0.0.1:{port}{result['url']}"
    try:
        wait_ready(url, server)
        wrk(url, args.connections, 2, 2)  # warm-up
        page = wrk(url, args.connections, 2, args.duration)
    finally:
        stop_server(server)
    print(
        f"changelog page ({args.themes} items): {page['rps']:.0f} req/s, "
        f"p50 {page['p50']:.1f} ms, p99 {page['p99']:.1f} ms, "
        f"non-2xx {page['non2xx']} {page['errors']}"
    )


if __name__ == "__main__":
    main()

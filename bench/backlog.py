"""Backlog, triage and notification speed at scale (issue: weekly backlog).

Builds a throw-away database (SQLite file under bench/out/, or PostgreSQL database
``benchbacklog`` with --db postgres) holding N posts in T themes with votes, then
prints: time to build one week's backlog, server time and query count of the triage
screen with 500 themes, and time of one status-change fan-out to F fans.

    .venv/bin/python bench/backlog.py            # 100,000 posts, 20,000 themes
    .venv/bin/python bench/backlog.py --posts 20000 --themes 4000 --fans 2000
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--themes", type=int, default=20_000)
    parser.add_argument("--fans", type=int, default=10_000)
    parser.add_argument("--votes", type=int, default=200_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.db == "sqlite":
        path = OUT / "backlog.sqlite3"
        if path.exists():
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-q",
                "-c",
                "drop database if exists benchbacklog",
            ],
            check=True,
        )
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-q",
                "-c",
                "create database benchbacklog",
            ],
            check=True,
        )
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/benchbacklog"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanloop.settings")
    os.environ["RATELIMIT_ENABLE"] = "0"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(args)
    measure(args)


def seed(args) -> None:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from community.models import Board, Fan, Thread
    from feedback.models import PainPoint, Theme, Vote
    from feedback.services.counters import themes_recount_all

    rng = random.Random(5)
    t0 = time.perf_counter()
    pw = make_password("bench")
    Fan.objects.bulk_create(
        [
            Fan(username=f"f{i}", email=f"f{i}@example.com", password=pw)
            for i in range(args.fans + 1)
        ],
        batch_size=5000,
    )
    fans = list(Fan.objects.values_list("pk", flat=True))
    board = Board.objects.create(name="Camera", slug="camera")
    now = timezone.now()
    Theme.objects.bulk_create(
        [
            Theme(title=f"Theme {i}", board=board, created_at=now)
            for i in range(args.themes)
        ],
        batch_size=5000,
    )
    themes = list(Theme.objects.values_list("pk", flat=True))
    for start in range(0, args.posts, 5000):
        count = min(5000, args.posts - start)
        created = [now - timedelta(days=rng.randint(8, 60)) for _ in range(count)]
        threads = Thread.objects.bulk_create(
            [
                Thread(
                    board=board,
                    author_id=rng.choice(fans),
                    title=f"Post {start + i}",
                    body="x",
                    body_html="<p>x</p>",
                    created_at=c,
                    last_activity_at=c,
                )
                for i, c in enumerate(created)
            ]
        )
        PainPoint.objects.bulk_create(
            [
                PainPoint(
                    thread=t,
                    kind="bug",
                    device_model=rng.choice("ABCDEFG"),
                    os_version=rng.choice(["1.0", "2.0", "2.1"]),
                    severity=rng.randint(1, 4),
                    theme_id=themes[i % len(themes)],
                    created_at=t.created_at,
                )
                for i, t in enumerate(threads, start=start)
            ]
        )
    posts = list(PainPoint.objects.values_list("pk", flat=True))
    pairs = {(rng.choice(fans), rng.choice(posts)) for _ in range(args.votes)}
    Vote.objects.bulk_create(
        [Vote(fan_id=f, post_id=p) for f, p in pairs], batch_size=5000
    )
    Vote.objects.update(created_at=now - timedelta(days=9))
    # One hot theme that every fan voted for: the fan-out target.
    hot = PainPoint.objects.filter(theme_id=themes[0]).first()
    Vote.objects.bulk_create(
        [Vote(fan_id=f, post=hot) for f in fans[: args.fans]],
        batch_size=5000,
        ignore_conflicts=True,
    )
    themes_recount_all()
    print(
        f"seeded {len(posts)} posts, {len(themes)} themes, {Vote.objects.count()} "
        f"votes, {len(fans)} fans in {time.perf_counter() - t0:.1f} s"
    )


def measure(args) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from community.models import Fan, Notification
    from community.services.fans import role_grant
    from feedback.models import Theme
    from feedback.services import triage
    from feedback.services.backlog import backlog_build
    from feedback.week import last_closed_week

    t0 = time.perf_counter()
    backlog = backlog_build(week=last_closed_week(), rebuild=True)
    print(
        f"build_backlog: {backlog.theme_count} themes ranked in "
        f"{time.perf_counter() - t0:.2f} s"
    )

    pm = Fan.objects.create(username="benchpm")
    role_grant(fan=pm, role="pm")
    client = Client()
    client.force_login(pm)
    client.get("/triage/")  # warm up templates
    timings = []
    for _ in range(10):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            t1 = time.perf_counter()
            response = client.get("/triage/")
            timings.append(time.perf_counter() - t1)
        assert response.status_code == 200
    rows = response.content.decode().count("data-theme=")
    timings.sort()
    print(
        f"triage screen: {rows} themes, median {1000 * timings[5]:.0f} ms, "
        f"{len(queries)} queries"
    )

    hot = Theme.objects.order_by("-fan_count").first()
    before = Notification.objects.count()
    with CaptureQueriesContext(connection) as queries:
        t2 = time.perf_counter()
        triage.theme_set_status(theme=hot, status="planned", by=pm)
        elapsed = time.perf_counter() - t2
    sent = Notification.objects.count() - before
    print(
        f"fan-out: {sent} notifications for theme {hot.pk} "
        f"({hot.fan_count} fans) in {elapsed:.2f} s, {len(queries)} queries"
    )


if __name__ == "__main__":
    main()

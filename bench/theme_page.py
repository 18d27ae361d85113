"""Latency of the theme page and the theme API for one very large theme.

Seeds a dedicated SQLite database with the demo forum (``seed_demo`` and
``seed_feedback``, skipped when it exists), merges every theme into the largest
one (about 1,800 posts, as a popular problem collects them), then times
``/themes/<id>/`` (anonymous and as a PM) and ``/api/v1/themes/<id>`` through
Django's test client: median of ``--repeat`` requests after one warm-up (which
builds the similarity index). Prints a table; asserts nothing.

    .venv/bin/python bench/theme_page.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DB = OUT / "theme_page.sqlite3"


def manage(*args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        check=True,
        env=os.environ,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanloop.settings")
    if not DB.exists():
        OUT.mkdir(exist_ok=True)
        print("seeding the demo forum (about a minute and a half)…", flush=True)
        manage("migrate", "--noinput")
        manage("seed_demo", "--if-empty")
        manage("seed_feedback")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from community.models import Fan
    from feedback.models import Theme
    from feedback.services import triage

    pm = Fan.objects.get(username="pm")
    live = Theme.objects.filter(merged_into__isnull=True, post_count__gt=0)
    target = live.order_by("-post_count").first()
    for theme in live.exclude(pk=target.pk):
        triage.theme_merge(source=theme, into=target, by=pm)
    target.refresh_from_db()
    print(f"theme #{target.pk}: {target.post_count} posts, {target.fan_count} fans")
    client = Client()
    rows = []
    for who, url in (
        ("anonymous", target.get_absolute_url()),
        ("pm", target.get_absolute_url()),
        ("anonymous", f"/api/v1/themes/{target.pk}"),
    ):
        client.logout()
        if who == "pm":
            client.force_login(pm)
        client.get(url)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
        rows.append((url, who, response.status_code, len(response.content), times))
    print(f"{'page':<24} {'viewer':<10} {'status':>6} {'bytes':>8} {'median ms':>10}")
    for url, who, status, size, times in rows:
        median = 1000 * statistics.median(times)
        print(f"{url:<24} {who:<10} {status:>6} {size:>8} {median:>10.0f}")


if __name__ == "__main__":
    main()

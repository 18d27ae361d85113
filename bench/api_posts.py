"""Creating pain points and asking for similar posts through the JSON API.

Copies an existing forum database (default: the demo one, after `make demo`; or the
file given with --db) to bench/out/, then times N `POST /api/v1/posts` (encoding and
theme assignment included) and N `GET /api/v1/similar` through Django's test client,
printing p50/p95. The index is warmed first (it is built once per process).

    .venv/bin/python bench/api_posts.py --db db.sqlite3 --n 100
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"

TITLES = [
    "Camera crashes when switching to night mode",
    "相机夜景模式闪退",
    "Battery drains overnight on standby",
    "鎖屏後通知延遲很久才到",
    "Keyboard lags when typing fast in chat apps",
    "Gallery cloud sync stuck at 99 percent",
    "Please add a dark theme to settings",
    "指纹解锁经常识别失败",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "db.sqlite3"))
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    copy = OUT / "api.sqlite3"
    shutil.copy(args.db, copy)
    os.environ["DATABASE_URL"] = f"sqlite:///{copy}"
    os.environ["RATELIMIT_ENABLE"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanloop.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from community.models import Board, Fan
    from community.services.fans import token_issue
    from feedback.models import PainPoint
    from feedback.services.index import get_index

    t0 = time.perf_counter()
    get_index()
    print(
        f"index of {PainPoint.objects.count()} posts built in "
        f"{time.perf_counter() - t0:.2f} s"
    )
    fan = Fan.objects.filter(is_active=True).first()
    token = token_issue(fan=fan, name="bench")
    board = Board.objects.filter(is_feedback=True).first()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    rng = random.Random(3)
    create, similar = [], []
    for i in range(args.n):
        title = f"{rng.choice(TITLES)} ({i})"
        body = json.dumps(
            {
                "board": board.slug,
                "kind": "bug",
                "title": title,
                "body": title + " since the last update.",
            }
        )
        t1 = time.perf_counter()
        response = client.post("/api/v1/posts", body, content_type="application/json")
        create.append(time.perf_counter() - t1)
        assert response.status_code == 201, response.content
        t2 = time.perf_counter()
        response = client.get("/api/v1/similar", {"text": rng.choice(TITLES)})
        similar.append(time.perf_counter() - t2)
        assert response.status_code == 200

    def ms(values, q):
        return 1000 * statistics.quantiles(values, n=100)[q - 1]

    print(
        f"POST /api/v1/posts: p50 {ms(create, 50):.1f} ms, p95 {ms(create, 95):.1f} ms"
    )
    print(
        f"GET /api/v1/similar: p50 {ms(similar, 50):.1f} ms, "
        f"p95 {ms(similar, 95):.1f} ms"
    )


if __name__ == "__main__":
    main()

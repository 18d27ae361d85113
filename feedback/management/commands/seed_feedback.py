"""Turn the demo forum's feedback-board threads into pain points with themes."""

import random
from datetime import timedelta

import numpy as np
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from community.demo_data import DEVICES, FREQUENCY, OS_VERSIONS, traditional
from community.models import Fan, Thread
from feedback.clustering.engine import encoder_text
from feedback.models import PainPoint, Theme, ThemeEvent, Vote
from feedback.services.backlog import backlog_build
from feedback.services.counters import themes_recount_all
from feedback.services.index import get_engine, index_reset
from feedback.services.recluster import recluster_all
from feedback.week import last_closed_week

KIND_WORDS = {
    "suggestion": ("suggest", "please add", "would be nice", "希望", "建议", "建議"),
    "complaint": ("annoying", "terrible", "why", "太", "垃圾", "失望"),
}


def _kind(title: str) -> str:
    lower = title.lower()
    for kind, words in KIND_WORDS.items():
        if any(w in lower for w in words):
            return kind
    return "bug"


# Longest first, so that "OS 2.0.12" is not read as "OS 2.0.1".
_DEVICES = sorted(DEVICES, key=len, reverse=True)
_VERSIONS = sorted(OS_VERSIONS, key=len, reverse=True)


def _fields(body: str, rng: random.Random) -> dict:
    """Device, version and how often, as the post's text states them (seed_demo
    writes them into bug reports and most prose); drawn at random otherwise."""
    device = next((d for d in _DEVICES if d in body), None)
    version = next((v for v in _VERSIONS if v in body), None)
    repro = next(
        (
            key
            for key, phrases in FREQUENCY.items()
            if any(
                p in body for p in (*phrases.values(), traditional(phrases["zh-hans"]))
            )
        ),
        None,
    )
    return {
        "device_model": device or rng.choice(DEVICES),
        "os_version": version or rng.choice(OS_VERSIONS),
        "reproducibility": repro or rng.choice(["always", "sometimes", "once"]),
    }


class Command(BaseCommand):
    help = (
        "Give every thread of the feedback boards its pain-point fields, encode it, "
        "cluster everything into themes, add votes, a few decisions and last "
        "week's backlog. Idempotent: threads that already are pain points are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--votes", type=int, default=6000)

    def handle(self, *args, seed, votes, **options):
        rng = random.Random(seed)
        engine = get_engine()
        threads = list(
            # Pinned threads are the staff's posting guides, not pain points.
            Thread.objects.filter(
                board__is_feedback=True, painpoint__isnull=True, is_pinned=False
            )
            .order_by("pk")
            .values_list("pk", "title", "body", "created_at")
        )
        if not threads:
            self.stdout.write("No new feedback threads: nothing to do.")
            return
        self.stdout.write(
            f"Encoding {len(threads)} posts with the {engine.name} engine…"
        )
        texts = [encoder_text(title, body) for _pk, title, body, _c in threads]
        vectors: list[bytes] = []
        for start in range(0, len(texts), 64):
            matrix = engine.encode_texts(texts[start : start + 64])
            if matrix is None:
                vectors.extend([b""] * len(texts[start : start + 64]))
            else:
                vectors.extend(row.astype(np.float16).tobytes() for row in matrix)
        rows = [
            PainPoint(
                thread_id=pk,
                kind=_kind(title),
                **_fields(body, rng),
                severity=rng.choice([1, 2, 2, 3, 3, 4]),
                vector=vector,
                created_at=created,
            )
            for (pk, title, body, created), vector in zip(threads, vectors, strict=True)
        ]
        with transaction.atomic():
            PainPoint.objects.bulk_create(rows, batch_size=1000)
        index_reset()
        self.stdout.write(recluster_all(progress=self.stdout.write))
        self._votes(rng, votes)
        self._decisions(rng)
        themes_recount_all()
        try:
            backlog = backlog_build(week=last_closed_week(), rebuild=True)
            self.stdout.write(f"Backlog {backlog.week}: {backlog.theme_count} themes.")
        except Exception as exc:  # noqa: BLE001 - a demo without backlog still runs
            self.stdout.write(f"No backlog built: {exc}")

    def _votes(self, rng, count):
        fans = list(Fan.objects.values_list("pk", flat=True))
        posts = list(PainPoint.objects.values_list("pk", "created_at"))
        if not fans or not posts:
            return
        # Popular problems get most votes: a skewed choice over posts.
        weights = [1 / (i + 1) ** 0.6 for i in range(len(posts))]
        rng.shuffle(posts)
        pairs = set()
        for _ in range(count):
            post = rng.choices(posts, weights)[0]
            pairs.add((rng.choice(fans), post))
        now = timezone.now()
        rows = [
            Vote(
                fan_id=fan,
                post_id=pk,
                created_at=min(now, created + timedelta(hours=rng.randint(1, 400))),
            )
            for fan, (pk, created) in pairs
        ]
        Vote.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        # auto_now_add stamped every vote "now"; spread them over the posts' lives.
        created = dict(posts)
        spread = []
        for vote in Vote.objects.filter(created_at__gte=now - timedelta(minutes=10)):
            start = created[vote.post_id]
            span = max(3600, int((now - start).total_seconds()))
            vote.created_at = start + timedelta(seconds=rng.randint(60, span))
            spread.append(vote)
        Vote.objects.bulk_update(spread, ["created_at"], batch_size=2000)
        counts = {}
        for pk in Vote.objects.values_list("post_id", flat=True):
            counts[pk] = counts.get(pk, 0) + 1
        PainPoint.objects.bulk_update(
            [PainPoint(thread_id=pk, vote_count=n) for pk, n in counts.items()],
            ["vote_count"],
            batch_size=2000,
        )
        self.stdout.write(f"Added {len(rows)} votes.")

    def _decisions(self, rng):
        pm = Fan.objects.filter(username="pm").first()
        themes = list(
            Theme.objects.filter(post_count__gt=0).order_by("-post_count")[:12]
        )
        statuses = [
            "planned",
            "planned",
            "in_progress",
            "in_progress",
            "shipped",
            "under_review",
            "under_review",
            "wont_fix",
        ]
        for theme, status in zip(themes, statuses, strict=False):
            before = theme.status
            theme.status = status
            if status in {"planned", "in_progress"}:
                theme.target_version = "24.11.29"
            theme.save(update_fields=["status", "target_version"])
            ThemeEvent.objects.create(
                theme=theme,
                actor=pm,
                action=ThemeEvent.Action.STATUS,
                before={"status": before},
                after={"status": status},
            )
        self.stdout.write(f"Triaged {len(themes[: len(statuses)])} themes.")

"""Fill the forum with a realistic bilingual demo: boards, fans, threads, replies.

Everything is planned in memory first by :func:`plan_forum` (plain dicts, no
database), so every denormalised counter is known before a row is written; then the
rows go in with ``bulk_create`` in batches, one transaction per batch. That is what
makes 100,000 threads a matter of minutes, and it is also why this command does not
call ``thread_create``/``reply_create``: they update counters one row at a time.

Decisions worth knowing:

- ``--fans N`` counts generated fans; the five named accounts (admin, moderator, pm,
  editor, fan) come on top.
- Seeding refuses to add to a forum that already has threads (counters would have to be
  merged); use ``--flush`` to replace the demo content or ``--if-empty`` to skip.
- ``--flush`` deletes every thread, reply, like, flag and board, and the fans whose
  email is at ``example.com`` (the demo accounts), then seeds again.
- A named account that already exists keeps its password.
- Generated fans all share one demo password, hashed once.
- Each thread dict carries a ``pain_point`` (kind, device, version, severity, ...) for
  the feedback app to turn into structured rows later; it is unused here.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from community import demo_data as data
from community.models import (
    Board,
    Fan,
    Flag,
    Notification,
    Reply,
    ReplyLike,
    Thread,
    ThreadLike,
)
from community.services.fans import role_grant
from community.text import render_markdown

BATCH_SIZE = 2000
WINDOW = timedelta(weeks=8)
DEMO_EMAIL_DOMAIN = "example.com"
FAN_PASSWORD = "demo-fan-pass"  # noqa: S105 (printed demo credential)
# username, password, role, is_superuser
NAMED_ACCOUNTS = [
    ("admin", "demo-admin-pass", None, True),
    ("moderator", "demo-moderator-pass", "moderator", False),
    ("pm", "demo-pm-pass", "pm", False),
    ("editor", "demo-editor-pass", "editor", False),
    ("fan", FAN_PASSWORD, None, False),
]
STAFF = range(1, 3)  # indexes of moderator and pm in the fan list: official replies
LANGS = ["en", "zh-hans", "zh-hant"]
LANG_WEIGHTS = [45, 38, 17]
DISCUSSION_SHARE = 0.08


@dataclass(slots=True)
class ReplyPlan:
    thread: int
    author: int
    body: str
    created_at: datetime
    likers: list[int] = field(default_factory=list)


@dataclass
class ForumPlan:
    fans: list[dict]
    threads: list[dict]
    replies: list[ReplyPlan]
    boards: dict[str, dict]


class _Phrases:
    """Phrase tables by language, Traditional derived once per table."""

    def __init__(self):
        self._memo: dict[tuple[int, str], object] = {}

    def __call__(self, table: dict, lang: str):
        key = (id(table), lang)
        if key not in self._memo:
            self._memo[key] = data.phrases(table, lang)
        return self._memo[key]


def _zh(lang: str, text: str) -> str:
    return data.traditional(text) if lang == "zh-hant" else text


def _plan_fans(rng: random.Random, count: int, start: datetime) -> list[dict]:
    fans = []
    for username, password, role, superuser in NAMED_ACCOUNTS:
        fans.append(
            {
                "username": username,
                "display_name": {"admin": "Fanloop Admin", "pm": "Product Team"}.get(
                    username, username.capitalize()
                ),
                "password": password,
                "role": role,
                "is_superuser": superuser,
                "is_staff": superuser,
                "locale": "en",
                "devices": "Xiaomi 14",
                "bio": "",
                "date_joined": start - timedelta(days=30),
            }
        )
    taken = {f["username"] for f in fans}
    for _ in range(count):
        locale = rng.choices(LANGS, weights=[40, 40, 20])[0]
        if locale == "en":
            if rng.random() < 0.6:
                first, last = rng.choice(data.EN_FIRST), rng.choice(data.EN_LAST)
                display = f"{first} {last}" if rng.random() < 0.7 else first
                base = f"{first}.{last}".lower()
            else:
                handle = rng.choice(data.EN_HANDLES)
                display = handle.capitalize()
                base = handle
        else:
            sur_py, sur = rng.choice(data.ZH_SURNAMES)
            given_py, given = rng.choice(data.ZH_GIVEN)
            if rng.random() < 0.6:
                display = sur + given + (given if rng.random() < 0.2 else "")
                base = f"{sur_py}{given_py}".lower()
            else:
                nick_py, nick = rng.choice(data.ZH_NICKS)
                display = f"{nick}{sur}{given}" if rng.random() < 0.5 else nick
                base = nick_py
            display = _zh(locale, display)
        username = base
        while username in taken:
            username = f"{base}{rng.randint(1, 9999)}"
        taken.add(username)
        devices = rng.sample(data.DEVICES, rng.choice([1, 1, 1, 2]))
        fans.append(
            {
                "username": username,
                "display_name": display,
                "password": None,
                "role": None,
                "is_superuser": False,
                "is_staff": False,
                "locale": locale,
                "devices": ", ".join(devices),
                "bio": rng.choice(data.BIOS["en" if locale == "en" else "zh-hans"]),
                "date_joined": start - timedelta(days=rng.uniform(1, 700)),
            }
        )
    for fan in fans:
        fan["email"] = f"{fan['username']}@{DEMO_EMAIL_DOMAIN}"
        fan["thread_count"] = 0
        fan["reply_count"] = 0
    return fans


def _bug_body(rng, ph, lang, pain, title_variant, device, os_version, repro) -> str:
    en = lang == "en"
    if en:
        labels = ("Device", "Version", "How often", "Steps to reproduce")
        labels += ("Expected", "Actual", "What I tried")
    else:
        labels = tuple(
            _zh(lang, s)
            for s in ("机型", "系统版本", "出现频率", "复现步骤", "预期结果")
            + ("实际结果", "已尝试")
        )
    sep = ": " if en else "："
    freq = ph(data.FREQUENCY[repro], lang)
    lines = [
        f"**{labels[0]}**{sep}{device}  ",
        f"**{labels[1]}**{sep}{os_version}  ",
        f"**{labels[2]}**{sep}{freq}",
        "",
        f"### {labels[3]}",
    ]
    steps = ph(pain["steps"], lang)
    lines += [f"{i}. {step}" for i, step in enumerate(steps, 1)]
    lines += ["", f"### {labels[4]}", ph(pain["expected"], lang), ""]
    lines += [f"### {labels[5]}", title_variant + ("." if en else "。")]
    if pain.get("log") and rng.random() < 0.4:
        lines += ["", "```", pain["log"], "```"]
    if rng.random() < 0.4:
        tried = rng.sample(ph(data.TRIED, lang), 2)
        lines += ["", f"**{labels[6]}**{sep}", *(f"- {t}" for t in tried)]
    return "\n".join(lines)


def _prose_body(rng, ph, lang, text, device, os_version) -> str:
    en = lang == "en"
    opener = rng.choice(ph(data.OPENERS, lang))
    closer = rng.choice(ph(data.CLOSERS, lang))
    if en:
        context = rng.choice(
            [
                f"I'm on a {device} with {os_version}.",
                f"Using {device}, {os_version}.",
                f"**{device}** / `{os_version}`",
                "",
            ]
        )
        sentence = text + "."
    else:
        context = rng.choice(
            [
                _zh(lang, f"机型 {device}，系统 {os_version}。"),
                _zh(lang, f"我用的是{device}，版本 {os_version}。"),
                f"**{device}** / `{os_version}`",
                "",
            ]
        )
        sentence = text + "。"
    paragraphs = [p for p in (opener, sentence, context, closer) if p]
    return "\n\n".join(paragraphs)


def _plan_thread(rng, ph, fans, author, pain_weights) -> dict:
    lang = fans[author]["locale"]
    if rng.random() > 0.75:
        lang = rng.choices(LANGS, weights=LANG_WEIGHTS)[0]
    device = rng.choice(fans[author]["devices"].split(", "))
    os_version = rng.choice(data.OS_VERSIONS)
    if rng.random() < DISCUSSION_SHARE:
        table = data.DISCUSSIONS
        title = rng.choice(ph(table, lang))
        body = _prose_body(rng, ph, lang, title, device, os_version)
        return {
            "board": "other",
            "lang": lang,
            "title": title,
            "body": body,
            "tags": [],
            "pain_point": None,
        }
    pain = rng.choices(data.PAIN_POINTS, cum_weights=pain_weights)[0]
    variants = ph(pain, lang)
    variant = rng.choice(variants)
    condition = rng.choice(ph(data.CONDITIONS, lang))
    title = (variant + condition.format(device=device, os=os_version))[:160]
    repro = rng.choices(["always", "sometimes", "once"], weights=[5, 4, 1])[0]
    severity = max(1, min(4, pain["severity"] + rng.choice([-1, 0, 0, 0, 1])))
    other = rng.choice(variants)
    if pain["kind"] == "bug" and rng.random() < 0.65:
        body = _bug_body(rng, ph, lang, pain, other, device, os_version, repro)
    else:
        body = _prose_body(rng, ph, lang, other, device, os_version)
    tags = rng.sample(pain["tags"], rng.randint(0, len(pain["tags"])))
    return {
        "board": pain["board"],
        "lang": lang,
        "title": title,
        "body": body,
        "tags": tags,
        "pain_point": {
            "key": pain["key"],
            "kind": pain["kind"],
            "device_model": device,
            "os_version": os_version,
            "reproducibility": repro if pain["kind"] == "bug" else "",
            "severity": severity,
            "steps": "\n".join(ph(pain["steps"], lang)) if "steps" in pain else "",
            "expected": ph(pain["expected"], lang) if "expected" in pain else "",
            "actual": other if pain["kind"] == "bug" else "",
        },
    }


def _reply_body(rng, ph, fans, thread, author) -> str:
    lang = thread["lang"] if rng.random() < 0.8 else fans[author]["locale"]
    device = rng.choice(fans[author]["devices"].split(", "))
    os_version = rng.choice(data.OS_VERSIONS)
    if thread["pain_point"] is None:
        table = data.DISCUSSION_REPLIES
    elif author in STAFF:
        table = data.STAFF_REPLIES
    else:
        table = data.REPLIES
    freq = rng.choice(["always", "sometimes"])
    return rng.choice(ph(table, lang)).format(
        device=device, os=os_version, freq=ph(data.FREQUENCY[freq], lang)
    )


def _cumulative(weights) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def plan_forum(
    *, fans: int, threads: int, replies: int, seed: int, now: datetime
) -> ForumPlan:
    """Plan the whole demo forum in memory, counters included; no database access."""
    rng = random.Random(seed)
    ph = _Phrases()
    start = now - WINDOW
    fan_rows = _plan_fans(rng, fans, start)
    nfans = len(fan_rows)
    # A few fans write most posts, as in every forum.
    # Capped so that the most active fan writes about 1% of the posts, not 10%.
    fan_weights = _cumulative(min(rng.paretovariate(1.2), 12.0) for _ in range(nfans))
    pain_weights = _cumulative(p["weight"] for p in data.PAIN_POINTS)
    boards = {
        slug: {
            "name": name,
            "description": description,
            "is_feedback": is_feedback,
            "position": position,
            "thread_count": 0,
            "reply_count": 0,
            "last_activity_at": None,
        }
        for position, (slug, name, description, is_feedback) in enumerate(data.BOARDS)
    }

    thread_rows: list[dict] = []
    feedback_boards = [slug for slug, *_, is_feedback in data.BOARDS if is_feedback]
    pinned = feedback_boards if threads >= 10 * len(feedback_boards) else []
    title, body = data.PINNED["en"]
    for slug in pinned:
        thread_rows.append(
            {
                "board": slug,
                "author": 1,
                "lang": "en",
                "title": title,
                "body": body,
                "tags": [],
                "pain_point": None,
                "created_at": start + timedelta(minutes=rng.randint(0, 600)),
                "is_pinned": True,
            }
        )
    window = WINDOW.total_seconds()
    for _ in range(threads - len(thread_rows)):
        author = rng.choices(range(nfans), cum_weights=fan_weights)[0]
        # Skewed towards recent weeks: the forum is growing.
        when = now - timedelta(seconds=window * rng.random() ** 1.4)
        row = _plan_thread(rng, ph, fan_rows, author, pain_weights)
        row.update(author=author, created_at=when, is_pinned=False)
        thread_rows.append(row)
    thread_rows.sort(key=lambda t: t["created_at"])
    # The named "fan" account gets a few threads so its profile page has content.
    for row in thread_rows[5 : 5 + min(5, threads // 20)]:
        if not row["is_pinned"]:
            row["author"] = 4

    # Replies go mostly to a few hot threads (capped: megathreads get locked).
    popularity = _cumulative(
        0.1 if t["is_pinned"] else min(rng.paretovariate(1.3), 40.0)
        for t in thread_rows
    )
    targets = (
        rng.choices(range(len(thread_rows)), cum_weights=popularity, k=replies)
        if thread_rows
        else []
    )
    reply_rows: list[ReplyPlan] = []
    for t in targets:
        thread = thread_rows[t]
        author = (
            rng.choice(STAFF)
            if rng.random() < 0.02
            else rng.choices(range(nfans), cum_weights=fan_weights)[0]
        )
        age = (now - thread["created_at"]).total_seconds()
        delay = min(rng.expovariate(1 / 129600), age * rng.random())  # mean 1.5 days
        reply_rows.append(
            ReplyPlan(
                thread=t,
                author=author,
                body=_reply_body(rng, ph, fan_rows, thread, author),
                created_at=thread["created_at"] + timedelta(seconds=delay),
            )
        )
    reply_rows.sort(key=lambda r: (r.created_at, r.thread))

    for thread in thread_rows:
        thread.update(reply_count=0, last_activity_at=thread["created_at"])
        thread["is_locked"] = False
    for reply in reply_rows:
        thread = thread_rows[reply.thread]
        thread["reply_count"] += 1
        thread["last_activity_at"] = max(thread["last_activity_at"], reply.created_at)
        fan_rows[reply.author]["reply_count"] += 1
        if rng.random() < 0.4:
            k = min(nfans, int(rng.expovariate(1 / 1.5)))
            reply.likers = rng.sample(range(nfans), k)
    for thread in thread_rows:
        fan_rows[thread["author"]]["thread_count"] += 1
        k = min(nfans, int(rng.expovariate(1 / 2.5) * (1 + thread["reply_count"] / 8)))
        thread["likers"] = rng.sample(range(nfans), k)
        thread["like_count"] = k
        thread["is_locked"] = thread["reply_count"] > 300
        board = boards[thread["board"]]
        board["thread_count"] += 1
        board["reply_count"] += thread["reply_count"]
        last = board["last_activity_at"]
        if last is None or thread["last_activity_at"] > last:
            board["last_activity_at"] = thread["last_activity_at"]
    return ForumPlan(
        fans=fan_rows, threads=thread_rows, replies=reply_rows, boards=boards
    )


def _batches(items, size=BATCH_SIZE):
    for i in range(0, len(items), size):
        yield i, items[i : i + size]


class Command(BaseCommand):
    help = "Create a realistic bilingual demo forum (boards, fans, threads, replies)."

    def add_arguments(self, parser):
        parser.add_argument("--fans", type=int, default=200, help="Generated fans.")
        parser.add_argument("--threads", type=int, default=2000)
        parser.add_argument("--replies", type=int, default=8000)
        parser.add_argument("--seed", type=int, default=1, help="Random seed.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when any board exists (for `make demo`).",
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete forum content and demo accounts first.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Board.objects.exists():
            self.stdout.write(
                "Boards exist already; seed_demo --if-empty does nothing."
            )
            return
        for name in ("fans", "threads", "replies"):
            if options[name] < 0:
                raise CommandError(f"--{name} must not be negative.")
        if options["flush"]:
            self._flush()
        elif Thread.objects.exists():
            raise CommandError(
                "The forum has threads already; use --flush to replace them "
                "(or --if-empty to skip)."
            )
        started = time.monotonic()
        now = timezone.now().replace(second=0, microsecond=0)
        plan = plan_forum(
            fans=options["fans"],
            threads=options["threads"],
            replies=options["replies"],
            seed=options["seed"],
            now=now,
        )
        self._log(started, f"planned {len(plan.threads)} threads")
        board_ids = self._write_boards(plan)
        fan_ids = self._write_fans(plan, started)
        thread_ids = self._write_threads(plan, board_ids, fan_ids, started)
        self._write_replies(plan, thread_ids, fan_ids, started)
        self._analyze()
        self._log(started, "done")
        self._print_accounts(plan)

    def _log(self, started: float, message: str) -> None:
        self.stdout.write(f"[{time.monotonic() - started:7.1f}s] {message}")
        self.stdout.flush()

    def _analyze(self) -> None:
        """Refresh planner statistics after the bulk load.

        Without them PostgreSQL estimates a board at a few hundred threads and picks
        sorts over index scans; VACUUM also sets the visibility map so paginator
        counts become index-only scans. VACUUM cannot run inside a transaction
        (tests), so there only ANALYZE runs.
        """
        models = (Fan, Board, Thread, Reply, ThreadLike, ReplyLike, TaggedItem)
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                vacuum = "" if connection.in_atomic_block else "VACUUM "
                cursor.execute(f"{vacuum}ANALYZE {tables}")
            elif connection.vendor == "sqlite":
                cursor.execute("ANALYZE")

    def _flush(self) -> None:
        self.stdout.write("Flushing forum content and demo accounts…")
        ct = ContentType.objects.get_for_model(Thread)
        with transaction.atomic():
            TaggedItem.objects.filter(content_type=ct).delete()
            ReplyLike.objects.all().delete()
            ThreadLike.objects.all().delete()
            Flag.objects.all().delete()
            Notification.objects.all().delete()
        # Chunks keep the deletion collector (which loads the rows it cascades from)
        # small; other apps may hang rows off threads.
        for model in (Reply, Thread):
            while True:
                pks = list(model.objects.values_list("pk", flat=True)[:BATCH_SIZE])
                if not pks:
                    break
                with transaction.atomic():
                    model.objects.filter(pk__in=pks).delete()
        Board.objects.all().delete()
        demo = Fan.objects.filter(email__iendswith=f"@{DEMO_EMAIL_DOMAIN}")
        while True:
            pks = list(demo.values_list("pk", flat=True)[:BATCH_SIZE])
            if not pks:
                break
            with transaction.atomic():
                Fan.objects.filter(pk__in=pks).delete()

    def _write_boards(self, plan: ForumPlan) -> dict[str, int]:
        ids = {}
        with transaction.atomic():
            for slug, row in plan.boards.items():
                board, _ = Board.objects.update_or_create(slug=slug, defaults=row)
                ids[slug] = board.pk
        return ids

    def _write_fans(self, plan: ForumPlan, started: float) -> list[int]:
        shared_hash = make_password(FAN_PASSWORD)
        fields = ("display_name", "email", "locale", "devices", "bio")
        fields += ("thread_count", "reply_count", "is_staff", "is_superuser")
        ids: list[int] = []
        named = len(NAMED_ACCOUNTS)
        with transaction.atomic():
            for row in plan.fans[:named]:
                fan = Fan.objects.filter(username=row["username"]).first()
                row["existing"] = fan is not None
                if fan is None:
                    fan = Fan(username=row["username"], date_joined=row["date_joined"])
                    fan.set_password(row["password"])
                for name in fields:
                    setattr(fan, name, row[name])
                fan.save()
                ids.append(fan.pk)
                if row["role"]:
                    role_grant(fan=fan, role=row["role"])
                EmailAddress.objects.get_or_create(
                    user=fan,
                    email=fan.email,
                    defaults={"verified": True, "primary": True},
                )
        generated = plan.fans[named:]
        taken = set(
            Fan.objects.filter(
                username__in=[r["username"] for r in generated]
            ).values_list("username", flat=True)
        )
        for row in generated:
            if row["username"] in taken:  # a real account: keep it, rename ours
                row["username"] = f"{row['username']}-demo"
                row["email"] = f"{row['username']}@{DEMO_EMAIL_DOMAIN}"
        for i, batch in _batches(generated):
            objs = [
                Fan(
                    username=row["username"],
                    password=shared_hash,
                    date_joined=row["date_joined"],
                    **{name: row[name] for name in fields},
                )
                for row in batch
            ]
            with transaction.atomic():
                Fan.objects.bulk_create(objs)
                EmailAddress.objects.bulk_create(
                    [
                        EmailAddress(
                            user_id=f.pk, email=f.email, verified=True, primary=True
                        )
                        for f in objs
                    ],
                    ignore_conflicts=True,
                )
            ids.extend(f.pk for f in objs)
            self._log(started, f"fans {i + len(batch)}/{len(generated)}")
        return ids

    def _write_threads(self, plan, board_ids, fan_ids, started) -> list[int]:
        tag_names = sorted({name for t in plan.threads for name in t["tags"]})
        tags = {}
        for name in tag_names:
            tag = Tag.objects.filter(name=name).first()
            tags[name] = tag or Tag.objects.create(name=name)
        ct = ContentType.objects.get_for_model(Thread)
        html: dict[str, str] = {}
        ids: list[int] = []
        for i, batch in _batches(plan.threads):
            objs = []
            for row in batch:
                body = row["body"]
                if body not in html:
                    html[body] = render_markdown(body)
                objs.append(
                    Thread(
                        board_id=board_ids[row["board"]],
                        author_id=fan_ids[row["author"]],
                        title=row["title"],
                        body=body,
                        body_html=html[body],
                        created_at=row["created_at"],
                        last_activity_at=row["last_activity_at"],
                        reply_count=row["reply_count"],
                        like_count=row["like_count"],
                        is_pinned=row["is_pinned"],
                        is_locked=row["is_locked"],
                    )
                )
            with transaction.atomic():
                Thread.objects.bulk_create(objs)
                TaggedItem.objects.bulk_create(
                    TaggedItem(tag=tags[name], content_type=ct, object_id=obj.pk)
                    for obj, row in zip(objs, batch, strict=True)
                    for name in row["tags"]
                )
                ThreadLike.objects.bulk_create(
                    ThreadLike(fan_id=fan_ids[f], thread_id=obj.pk)
                    for obj, row in zip(objs, batch, strict=True)
                    for f in row["likers"]
                )
            ids.extend(obj.pk for obj in objs)
            self._log(started, f"threads {i + len(batch)}/{len(plan.threads)}")
        return ids

    def _write_replies(self, plan, thread_ids, fan_ids, started) -> None:
        html: dict[str, str] = {}
        for i, batch in _batches(plan.replies):
            objs = []
            for row in batch:
                if row.body not in html:
                    html[row.body] = render_markdown(row.body)
                objs.append(
                    Reply(
                        thread_id=thread_ids[row.thread],
                        author_id=fan_ids[row.author],
                        body=row.body,
                        body_html=html[row.body],
                        created_at=row.created_at,
                        like_count=len(row.likers),
                    )
                )
            with transaction.atomic():
                Reply.objects.bulk_create(objs)
                ReplyLike.objects.bulk_create(
                    ReplyLike(fan_id=fan_ids[f], reply_id=obj.pk)
                    for obj, row in zip(objs, batch, strict=True)
                    for f in row.likers
                )
            self._log(started, f"replies {i + len(batch)}/{len(plan.replies)}")

    def _print_accounts(self, plan: ForumPlan) -> None:
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(
                "DEMO CREDENTIALS: fixed, public passwords. Never use this data in "
                "production."
            )
        )
        for row in plan.fans[: len(NAMED_ACCOUNTS)]:
            password = (
                "(existing account, password unchanged)"
                if row.get("existing")
                else row["password"]
            )
            what = row["role"] or ("superuser" if row["is_superuser"] else "fan")
            self.stdout.write(f"  {row['username']:<10} {password:<22} {what}")
        self.stdout.write(
            f"  Generated fans log in with their username or email and {FAN_PASSWORD}."
        )
        self.stdout.write("  /cms/ and /django-admin/ accept the admin account.")

"""Requests/s and latency of the busiest public pages under a production server.

Seeds a dedicated database (100,000 threads / 300,000 replies by default, skipped when
it already has that size), collects static files, starts uvicorn with two workers and
DEBUG off, then measures the board page, a thread page with ~50 replies and a profile
page with wrk (16 connections, 2 threads, 10 s each) against 127.0.0.1. Prints a table;
asserts nothing. The server is always stopped at the end.

    .venv/bin/python bench/pages.py --db sqlite      # bench/out/pages.sqlite3
    .venv/bin/python bench/pages.py --db postgres    # database "benchpages"

Needs ``uvicorn`` in the virtualenv and ``wrk`` on the PATH (``apt-get install wrk``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "benchpages"

PICK_TARGETS = """
import json
from django.db.models import Count
from community.models import Board, Fan, Reply, Thread
board = Board.objects.order_by("-thread_count").first()
thread = (
    Thread.objects.filter(is_hidden=False, reply_count__gte=45, reply_count__lte=60)
    .order_by("reply_count", "id").first()
    or Thread.objects.filter(is_hidden=False).order_by("-reply_count").first()
)
fan = Fan.objects.filter(is_staff=False).order_by("-reply_count").first()
print(json.dumps({
    "threads": Thread.objects.count(),
    "replies": Reply.objects.count(),
    "board": board and board.slug,
    "board_threads": board and board.thread_count,
    "thread": thread and thread.pk,
    "thread_replies": thread and thread.reply_count,
    "fan": fan and fan.username,
    "fan_posts": fan and fan.thread_count + fan.reply_count,
}))
"""


def run(cmd: list[str], env: dict, timeout: float, quiet: bool = False) -> str:
    result = subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        capture_output=quiet,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        if quiet:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed ({result.returncode}): {' '.join(cmd)}")
    return result.stdout or ""


def manage(env: dict, *args: str, timeout: float = 600, quiet: bool = True) -> str:
    return run([PY, "manage.py", *args], env, timeout, quiet)


def database_env(kind: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    OUT.mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{OUT / 'pages.sqlite3'}"
    else:
        exists = subprocess.run(
            ["psql", f"{PG_ADMIN_URL}/postgres", "-tAc",
             f"select 1 from pg_database where datname = '{PG_DATABASE}'"],  # noqa: S608
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout.strip()  # fmt: skip
        if not exists:
            subprocess.run(
                ["psql", f"{PG_ADMIN_URL}/postgres", "-c",
                 f"create database {PG_DATABASE}"],
                timeout=30, check=True, capture_output=True,
            )  # fmt: skip
        env["DATABASE_URL"] = f"{PG_ADMIN_URL}/{PG_DATABASE}"
    return env


def targets(env: dict) -> dict:
    return json.loads(manage(env, "shell", "-c", PICK_TARGETS).strip().splitlines()[-1])


def prepare(env: dict, threads: int, replies: int) -> dict:
    print("migrate…", flush=True)
    manage(env, "migrate", "--noinput", "--skip-checks")
    found = targets(env)
    if (found["threads"], found["replies"]) == (threads, replies):
        print(f"database already has {threads} threads / {replies} replies: no seed")
    else:
        print(f"seeding {threads} threads / {replies} replies…", flush=True)
        started = time.monotonic()
        manage(
            env,
            "seed_demo",
            "--skip-checks",
            "--flush",
            "--threads",
            str(threads),
            "--replies",
            str(replies),
            timeout=1800,
            quiet=False,
        )
        print(f"seeded in {time.monotonic() - started:.0f} s")
        found = targets(env)
    print("collectstatic…", flush=True)
    manage(production(env), "collectstatic", "--noinput", "--skip-checks", "-v0")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production(env: dict) -> dict:
    """DEBUG off, as served in production (manifest static files, no debug pages)."""
    return {
        **env,
        "FANLOOP_PRODUCTION": "1",
        "SECRET_KEY": "bench",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
    }


def start_server(
    env: dict, port: int, workers: int, server: str, threads: int = 1
) -> subprocess.Popen:
    if server == "gunicorn":
        # HTTP through WSGI (gunicorn, threads per worker); in production daphne
        # serves only /ws/ beside it (README, "Deployment").
        cmd = [
            str(Path(PY).with_name("gunicorn")), "fanloop.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--threads", str(threads), "--log-level", "warning",
        ]  # fmt: skip
    else:
        cmd = [
            str(Path(PY).with_name("uvicorn")), "fanloop.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
    log = open(OUT / "server.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        cmd, cwd=ROOT, env=production(env), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited; see {OUT / 'server.log'}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise SystemExit(f"server not ready after {timeout:.0f} s: {url}")


def wrk(url: str, connections: int, threads: int, seconds: int) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
         "--timeout", "5s", url],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    ).stdout  # fmt: skip

    def latency(pct: str) -> float:
        match = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match[1]), match[2]
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:(.*)", out)
    requests = re.search(r"(\d+) requests in", out)
    return {
        "rps": float(rps[1]) if rps else 0.0,
        "p50": latency("50"),
        "p99": latency("99"),
        "requests": int(requests[1]) if requests else 0,
        "non2xx": int(bad[1]) if bad else 0,
        "errors": errors[1].strip() if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--replies", type=int, default=300_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="Seconds per page.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", choices=["gunicorn", "uvicorn"], default="gunicorn")
    parser.add_argument(
        "--gunicorn-threads", type=int, default=1, help="threads per worker (1: sync)"
    )
    args = parser.parse_args()

    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    if not Path(PY).with_name(args.server).exists():
        raise SystemExit(f"{args.server} is not installed: make install")

    env = database_env(args.db)
    found = prepare(env, args.threads, args.replies)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    pages = [
        ("board", f"/b/{found['board']}/", f"{found['board_threads']} threads"),
        ("thread", f"/t/{found['thread']}/", f"{found['thread_replies']} replies"),
        ("profile", f"/u/{found['fan']}/", f"{found['fan_posts']} posts"),
    ]
    proc = start_server(env, port, args.workers, args.server, args.gunicorn_threads)
    rows = []
    try:
        wait_ready(base + pages[0][1], proc)
        for name, path, note in pages:
            wait_ready(base + path, proc)
            wrk(base + path, args.connections, args.wrk_threads, 2)  # warm-up
            result = wrk(base + path, args.connections, args.wrk_threads, args.duration)
            rows.append((name, path, note, result))
            print(f"{name}: {result['rps']:.0f} req/s", flush=True)
    finally:
        stop_server(proc)

    print()
    print(
        f"{args.db}, {found['threads']} threads / {found['replies']} replies, "
        f"{args.server} × {args.workers} workers"
        + (f" × {args.gunicorn_threads} threads" if args.server == "gunicorn" else "")
        + f", wrk -t{args.wrk_threads} "
        f"-c{args.connections} -d{args.duration}s, {os.cpu_count()} CPUs"
    )
    header = f"{'page':<8} {'path':<22} {'size':<14} {'req/s':>8} {'p50 ms':>8}"
    header += f" {'p99 ms':>8} {'non-2xx':>8}"
    print(header)
    print("-" * len(header))
    for name, path, note, r in rows:
        print(
            f"{name:<8} {path:<22} {note:<14} {r['rps']:>8.0f} {r['p50']:>8.1f}"
            f" {r['p99']:>8.1f} {r['non2xx']:>8}"
            + (f"  errors: {r['errors']}" if r["errors"] else "")
        )


if __name__ == "__main__":
    main()

"""``manage.py search_index``: show, fill or rebuild the search index.

This command lives in ``fanloop.search`` (an app in INSTALLED_APPS, so Django finds
its commands) because it needs every app's kinds.
"""

import sys
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from fanloop.search import registry
from fanloop.search.backends import get_backend


class Progress:
    """A one-line progress bar on stderr (no dependency for something this small)."""

    def __init__(self, label: str, total: int, stream=None, width: int = 30) -> None:
        self.label, self.total, self.done, self.width = label, max(total, 1), 0, width
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()

    def __call__(self, n: int) -> None:
        self.done += n
        share = min(1.0, self.done / self.total)
        bar = "█" * int(share * self.width)
        rate = self.done / max(time.perf_counter() - self.started, 1e-6)
        self.stream.write(
            f"\r{self.label:<10} |{bar:<{self.width}}| {self.done}/{self.total} "
            f"({rate:,.0f}/s)"
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")


class Command(BaseCommand):
    help = "Show the search index, or rebuild it (all kinds, or --kind NAME)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Rebuild it.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Rebuild only the kinds whose index is empty.",
        )
        parser.add_argument("--kind", action="append", help="Only this kind.")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        kinds = registry.kinds()
        names = options["kind"] or list(kinds)
        unknown = set(names) - set(kinds)
        if unknown:
            raise CommandError(
                f"Unknown kind {', '.join(sorted(unknown))}; known: {', '.join(kinds)}."
            )
        backend = get_backend()
        for name in names:
            kind = kinds[name]
            count = backend.count(name)
            if options["rebuild"] or (options["if_empty"] and count == 0):
                total = apps.get_model(kind.model).objects.count()
                progress = (
                    (lambda n: None)
                    if options["no_progress"]
                    else Progress(name, total, self.stderr._out)
                )
                started = time.perf_counter()
                backend.rebuild(
                    name,
                    kind.documents(None, vectors=backend.wants_vectors),
                    progress,
                )
                if isinstance(progress, Progress):
                    progress.close()
                count = backend.count(name)
                self.stdout.write(
                    f"{name}: indexed {count} in {time.perf_counter() - started:.1f} s"
                )
            else:
                self.stdout.write(f"{name}: {count} documents ({backend.name})")

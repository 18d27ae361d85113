import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from feedback.services.index import get_index, index_reset, save_snapshot


class Command(BaseCommand):
    help = (
        "Build the similarity index behind theme assignment and suggestions (or "
        "bring the saved one up to date) and save it to FANLOOP_INDEX_SNAPSHOT, "
        "so that new server processes load it instead of building their own."
    )

    def handle(self, *args, **options):
        path = settings.FANLOOP_INDEX_SNAPSHOT
        if not path:
            raise CommandError("Snapshots are off: FANLOOP_INDEX_SNAPSHOT is empty.")
        started = time.perf_counter()
        index_reset()
        index = get_index()
        if not save_snapshot():
            raise CommandError(f"Could not write {path} (see the log).")
        self.stdout.write(
            self.style.SUCCESS(
                f"Saved {len(index)} posts to {path} "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )

from django.core.management.base import BaseCommand, CommandError

from feedback.tasks import schedule_next_backlog
from feedback.week import current_week


class Command(BaseCommand):
    help = (
        "Queue the weekly backlog build for this week's cut-off; the task re-queues "
        "itself each week. Needs FANLOOP_TASKS_BACKEND=database and a running "
        "`manage.py db_worker`."
    )

    def handle(self, *args, **options):
        if not schedule_next_backlog():
            raise CommandError(
                "The task backend cannot run tasks later: set "
                "FANLOOP_TASKS_BACKEND=database and run `manage.py db_worker`."
            )
        week = current_week()
        self.stdout.write(
            self.style.SUCCESS(f"Backlog build queued for {week} at {week.cutoff}.")
        )

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from feedback.services.backlog import backlog_build
from feedback.week import Week, last_closed_week


class Command(BaseCommand):
    help = (
        "Snapshot a voting week's ranked themes into a WeeklyBacklog "
        "(default: the last closed week). Built weeks are frozen unless --rebuild."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week, e.g. 2026-W47")
        parser.add_argument(
            "--rebuild", action="store_true", help="Replace an existing snapshot."
        )

    def handle(self, *args, week=None, rebuild=False, **options):
        try:
            target = Week.parse(week) if week else last_closed_week()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        try:
            backlog = backlog_build(week=target, rebuild=rebuild)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Built backlog {backlog.week}: {backlog.theme_count} themes ranked "
                f"at cut-off {backlog.cutoff:%Y-%m-%d %H:%M} UTC."
            )
        )

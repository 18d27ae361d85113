from datetime import timedelta

from django.core.management.base import BaseCommand

from community.services.notifications import digest_send


class Command(BaseCommand):
    help = "Email each weekly-digest fan their unread notifications of the last week."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days, **options):
        sent = digest_send(since=timedelta(days=days))
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} digests."))

from django.core.management.base import BaseCommand, CommandError

from community.models import Fan
from community.services.fans import token_issue


class Command(BaseCommand):
    help = "Issue an API bearer token for a fan and print it (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="A label for the token.")

    def handle(self, *args, username, name, **options):
        try:
            fan = Fan.objects.get(username=username, is_active=True)
        except Fan.DoesNotExist:
            raise CommandError(f"No active fan with username {username!r}.") from None
        self.stdout.write(token_issue(fan=fan, name=name))

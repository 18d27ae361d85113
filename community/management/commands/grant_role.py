from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from community.models import Fan
from community.services.fans import role_grant, role_revoke


class Command(BaseCommand):
    help = "Give a fan a role: moderator, pm (product manager) or editor."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Fan.Role.values)
        parser.add_argument("--revoke", action="store_true", help="Take the role away.")

    def handle(self, *args, username, role, revoke, **options):
        try:
            fan = Fan.objects.get(username=username)
        except Fan.DoesNotExist:
            raise CommandError(f"No fan with username {username!r}.") from None
        try:
            (role_revoke if revoke else role_grant)(fan=fan, role=role)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        verb = "no longer has" if revoke else "now has"
        self.stdout.write(self.style.SUCCESS(f"{username} {verb} the {role} role."))

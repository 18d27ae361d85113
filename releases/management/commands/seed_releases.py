"""Demo: publish a release built from the top themes, so /changelog/ has content.

Skips when a release exists already. Uses the demo ``pm`` account (``seed_demo``).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from community.models import Fan
from feedback.models import Theme
from releases.models import Release, ReleaseItem
from releases.services import ItemSpec, release_create, release_publish


class Command(BaseCommand):
    help = "Publish a demo release crediting the fans behind the top themes."

    def add_arguments(self, parser):
        parser.add_argument("--release", dest="release_version", default="24.11.22")
        parser.add_argument("--themes", type=int, default=5)

    def handle(self, *args, release_version, themes, **options):
        if Release.objects.exists():
            self.stdout.write("Releases exist already: nothing to do.")
            return
        pm = Fan.objects.filter(Q(username="pm") | Q(is_superuser=True)).first()
        if pm is None:
            raise CommandError("No 'pm' account: run seed_demo first.")
        top = list(
            Theme.objects.filter(merged_into__isnull=True, post_count__gt=0)
            .exclude(status=Theme.Status.SHIPPED)
            .order_by("-score")[:themes]
        )
        if not top:
            raise CommandError("No themes: run seed_feedback first.")
        release = release_create(
            version=release_version,
            channel=Release.Channel.STABLE,
            by=pm,
            items=[ItemSpec(theme=theme, kind=ReleaseItem.Kind.FIX) for theme in top],
        )
        page = release_publish(release=release, by=pm)
        self.stdout.write(
            f"Published {release.version} with {len(top)} items: {page.url}"
        )

from django.core.management.base import BaseCommand
from django.db.models import Count

from feedback.models import PainPoint, Theme
from feedback.services.counters import themes_recount


class Command(BaseCommand):
    help = "Repair vote counts of posts and the counters and scores of every theme."

    def handle(self, *args, **options):
        fixed = 0
        for post in PainPoint.objects.annotate(n=Count("votes")).iterator(
            chunk_size=2000
        ):
            if post.n != post.vote_count:
                PainPoint.objects.filter(pk=post.pk).update(vote_count=post.n)
                fixed += 1
        ids = list(Theme.objects.values_list("pk", flat=True))
        themes_recount(ids)
        self.stdout.write(
            self.style.SUCCESS(f"Fixed {fixed} posts; recounted {len(ids)} themes.")
        )

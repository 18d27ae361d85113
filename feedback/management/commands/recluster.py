from django.core.management.base import BaseCommand

from feedback.services.recluster import recluster_all


class Command(BaseCommand):
    help = (
        "Rebuild the themes of the whole corpus in one batch (better than the online "
        "pass). Posts a person placed, renamed titles and merged themes are kept."
    )

    def handle(self, *args, **options):
        report = recluster_all(progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(report))

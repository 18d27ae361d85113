from django.core.management.base import BaseCommand

from community.models import Board, Thread
from community.services.forum import board_recount, thread_recount


class Command(BaseCommand):
    help = "Repair denormalised forum counters (threads, replies, likes) from the rows."

    def handle(self, *args, **options):
        threads = 0
        for thread in Thread.objects.only("pk").iterator(chunk_size=2000):
            thread_recount(thread=thread)
            threads += 1
        for board in Board.objects.all():
            board_recount(board=board)
        self.stdout.write(self.style.SUCCESS(f"Recounted {threads} threads."))

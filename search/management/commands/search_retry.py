from django.core.management.base import BaseCommand

from search.models import IndexQueue
from search.services import queue_process


class Command(BaseCommand):
    help = (
        "Send queued search-index changes to the engine now, including those waiting for a "
        "retry after a failure (run it from cron, or after the engine comes back)."
    )

    def handle(self, *args, **options):
        totals = {"processed": 0, "indexed": 0, "failed": 0}
        while True:
            result = queue_process(ignore_backoff=True)
            for key, value in result.items():
                totals[key] += value
            if not result["processed"]:
                break
        waiting = IndexQueue.objects.count()
        self.stdout.write(
            f"processed={totals['processed']} indexed={totals['indexed']} "
            f"failed={totals['failed']} waiting={waiting}"
        )
        if totals["failed"]:
            last = IndexQueue.objects.exclude(last_error="").order_by("-pk").first()
            self.stderr.write(f"last error: {last.last_error if last else ''}")

from django_tasks import task

from search.services import queue_process


@task()
def search_index_pending() -> dict[str, int]:
    """Drain the index queue (enqueued after each commit that changed something searchable)."""
    total = {"processed": 0, "indexed": 0, "failed": 0}
    while True:
        result = queue_process()
        for key, value in result.items():
            total[key] += value
        if not result["processed"]:
            return total

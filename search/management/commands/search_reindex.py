from django.core.management.base import BaseCommand
from tqdm import tqdm

from search.backends import get_backend
from search.rebuild import index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index (database or Elasticsearch) from the database. Resumes an "
        "interrupted rebuild unless --restart; on Elasticsearch the alias swaps at the end."
    )

    def add_arguments(self, parser):
        parser.add_argument("--restart", action="store_true", help="ignore a saved checkpoint")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, restart, batch, **options):
        backend = get_backend()
        self.stdout.write(f"Rebuilding the {backend.name} search index…")
        with tqdm(unit="doc", disable=options["verbosity"] < 1, file=self.stderr) as progress:
            summary = index_rebuild(
                backend=backend, resume=not restart, batch=batch, progress=progress
            )
        resumed = " (resumed)" if summary["resumed"] else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {summary['post']} posts, {summary['page']} pages and "
                f"{summary['merchant']} merchants{resumed}; skipped {summary['skipped']} "
                "(unpublished, restricted or inactive)."
            )
        )

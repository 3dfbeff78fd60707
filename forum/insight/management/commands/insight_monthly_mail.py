from django.core.management.base import BaseCommand, CommandError

from forum.insight.tasks import monthly_report_mail_task


class Command(BaseCommand):
    help = (
        "Mail last month's report to its subscribers, once per subscriber and month, through "
        "the task queue (run on the 1st of each month)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", default="", help="YYYY-MM (default: last month)")

    def handle(self, *args, month, **options):
        if month:
            try:
                year, number = (int(part) for part in month.split("-"))
                if not 1 <= number <= 12 or year < 2000:
                    raise ValueError
            except ValueError as error:
                raise CommandError("--month must be YYYY-MM") from error
        result = monthly_report_mail_task.enqueue(month=month)
        self.stdout.write(f"queued month={month or 'last'} task={result.id}")

"""Background work of the insight area (django-tasks)."""

from django_tasks import task


@task()
def insight_refresh_task(*, days: int = 90) -> dict:
    from forum.insight.services import monthly_figures_refresh, recurring_issues_refresh

    run = recurring_issues_refresh(days=days)
    figures = monthly_figures_refresh()
    return {"run": run.pk, "posts": run.posts, "issues": run.issues, "figures": figures}


def monthly_report_queue(*, month: str | None = None) -> dict:
    """Enqueue one mail per subscriber who has not had ``month``'s report yet."""
    from forum.insight.monthly import previous_month, subscribers_due

    month = month or previous_month()
    due = subscribers_due(month=month)
    for user_id in due:
        monthly_report_mail_one.enqueue(user_id=user_id, month=month)
    return {"month": month, "queued": len(due)}


@task()
def monthly_report_mail_task(*, month: str = "") -> dict:
    """Queue one mail task per subscriber for ``month`` (``YYYY-MM``; default: last month)."""
    return monthly_report_queue(month=month or None)


@task()
def monthly_report_mail_one(*, user_id: int, month: str) -> bool:
    from forum.insight.monthly import monthly_report_send

    return monthly_report_send(user_id=user_id, month=month)

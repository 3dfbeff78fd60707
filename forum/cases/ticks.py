"""The periodic work of cases, run by `manage.py cases_tick` (cron / systemd timer)."""

from django.db.models import Max

from forum.cases.models import Case, RoutingModel
from forum.cases.sla import sla_tick


def routing_retrain_needed() -> bool:
    """A new model is due when moderators labelled cases since the newest one was trained."""
    latest = RoutingModel.objects.order_by("-version").only("labelled_cases").first()
    labelled = Case.objects.filter(labelled_department__isnull=False).count()
    return latest is None or labelled > latest.labelled_cases


def missing_cases_open() -> int:
    """Open cases for triage-board topics whose opening task never ran (e.g. queue was down)."""
    from machina.apps.forum_conversation.models import Topic

    from forum.boards.models import Board
    from forum.cases.services import case_open_and_route

    topic_ids = list(
        Topic.objects.filter(
            forum__board__kind__in=Board.TRIAGE_KINDS, case__isnull=True
        ).values_list("pk", flat=True)[:500]
    )
    for topic_id in topic_ids:
        case_open_and_route(topic_id=topic_id)
    return len(topic_ids)


def cases_tick(*, retrain: bool = True) -> dict:
    from forum.cases.services import cases_auto_close

    result = {"opened": missing_cases_open()}
    result.update(sla_tick())
    result["auto_closed"] = cases_auto_close()
    result["trained_version"] = None
    if retrain and routing_retrain_needed():
        from forum.cases.routing import train

        result["trained_version"] = train().version
    result["model_version"] = RoutingModel.objects.aggregate(v=Max("version"))["v"]
    return result

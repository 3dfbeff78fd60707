"""Background work for cases (django-tasks): in process by default, on workers at scale."""

from django_tasks import task

# Defined beside the notices that send it; named here too for tasks queued under this path.
from forum.cases.notify import case_mail_send  # noqa: F401


@task()
def case_open_task(*, topic_id: int) -> int | None:
    from forum.cases.services import case_open_and_route

    case = case_open_and_route(topic_id=topic_id)
    return case.pk if case else None


@task()
def routing_train_task() -> int:
    from forum.cases.routing import train

    return train().version


@task()
def cases_tick_task() -> dict:
    from forum.cases.ticks import cases_tick

    return cases_tick()

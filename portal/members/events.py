"""The events members earn points for, declared by the apps that emit them.

Each app registers its events once, in its ``AppConfig.ready()``::

    points_event_register(code="first_post", label=_("First post in the forum"), app="boards")

and pays for one where it happens with ``points_event_pay(member=..., event="<code>",
source_key=...)``, which pays whatever active rules administrators set on that event. The
registry is what the admin offers when a rule is created and what "how to earn points" lists;
an event nobody registered cannot get a rule, so a rule never waits on an event that never fires.
"""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class PointsEvent:
    code: str
    label: str | Promise
    app: str


POINTS_EVENTS: dict[str, PointsEvent] = {}


def points_event_register(*, code: str, label, app: str) -> PointsEvent:
    """Declare an event (idempotent for the same code and app)."""
    existing = POINTS_EVENTS.get(code)
    if existing is not None and existing.app != app:
        raise ValueError(f"points event {code!r} is already declared by {existing.app!r}")
    event = PointsEvent(code=code, label=label, app=app)
    POINTS_EVENTS[code] = event
    return event


def points_event_choices() -> list[tuple[str, str]]:
    return sorted(((e.code, str(e.label)) for e in POINTS_EVENTS.values()), key=lambda c: c[0])

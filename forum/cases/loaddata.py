"""The cases' load step: a case for every generated complaint and suggestion. Runs from
``portal.loaddata.core.LOAD_STEPS`` after the forum's steps (it reads ``ctx.topics``)."""

from itertools import accumulate

from forum.author_counts import author_counts_changed
from forum.boards.loaddata import triage_topics
from forum.boards.models import Board
from forum.cases.counts import cases_changed
from forum.cases.models import Case
from portal.loaddata import text as loadtext
from portal.loaddata.core import LoadContext, next_id, reset_sequences, timestamp

ROUTED_CASE_SHARE = 0.7


def cases(ctx: LoadContext) -> None:
    """A case for every complaint and suggestion; most routed to the theme's department and
    spread over the pipeline, the rest waiting in the triage queue."""
    rng = ctx.rng("cases")
    routed_statuses = list(Case.Status)[1:]  # everything after NEW
    routed_cum_weights = list(accumulate([20, 25, 10, 30, 15]))
    first = next_id(Case)
    rows = []
    hour = 3600
    for kind, case_type in (
        (Board.Kind.COMPLAINTS, Case.Type.COMPLAINT),
        (Board.Kind.SUGGESTIONS, Case.Type.SUGGESTION),
    ):
        for n in triage_topics(ctx, [kind]):
            code = loadtext.THEMES[ctx.topics.themes[n]].department
            routed = code is not None and rng.random() < ROUTED_CASE_SHARE
            created = ctx.topics.created[n]
            status = (
                rng.choices(routed_statuses, cum_weights=routed_cum_weights)[0]
                if routed
                else Case.Status.NEW
            )
            answered = status not in (Case.Status.NEW, Case.Status.ASSIGNED)
            done = status in (Case.Status.RESOLVED, Case.Status.CLOSED)
            rows.append(
                (
                    first + len(rows),
                    ctx.topics.ids[n],
                    case_type,
                    ctx.departments[code].pk if routed else None,
                    status,
                    timestamp(created),
                    timestamp(created + rng.uniform(1, 30) * hour if answered else created),
                    timestamp(created + 24 * hour),
                    timestamp(created + 7 * 24 * hour),
                    timestamp(created + rng.uniform(1, 30) * hour) if answered else None,
                    timestamp(created + rng.uniform(30, 240) * hour) if done else None,
                )
            )
    rows.sort(key=lambda row: row[0])
    fields = [
        "id", "topic", "type", "department", "status", "created_at", "updated_at",
        "first_response_due", "resolution_due", "first_response_at", "resolved_at",
    ]  # fmt: skip
    with ctx.progress(len(rows), "cases") as bar:
        ctx.writer(Case, fields).write(iter(rows), bar)
    reset_sequences(Case)
    ctx.counts["cases"] = len(rows)
    ctx.counts["cases awaiting triage"] = sum(1 for row in rows if row[3] is None)
    # Posts, topics and cases were copied in without signals: authors' counts and the queues'
    # counts kept from an earlier database in the same cache must not be used.
    author_counts_changed()
    cases_changed()

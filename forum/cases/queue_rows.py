"""The queues' rows as rendered fragments kept in the cache, keyed by what each row shows.

Rendering the 50 rows of a queue page was about two thirds of the triage and department queues'
time at 50,000 open cases (docs/benchmarks.md, issue 22). Each row is now rendered from plain
values (``row_values``: the case's columns, its topic's subject, the author's name and email,
the excerpt, the deadline, the SLA state, the routing reasons in the reader's words…), and the
fragment is kept under a digest of exactly those values, the row template's source, the
language, the time zone and what the page adds around every row (the departments offered for
routing). The key is the content itself:

- any change of the case, its topic, its author's name, its assignee, a department's name or
  the SLA state shown (worked out on every request from the clock, so "overdue" turns up on
  time) gives another key at once; nothing has to be invalidated;
- what the reader may see is in the values: without the personal-data permission the email
  and excerpt are masked *before* the digest, so such a reader can only ever ask for the
  masked fragment, and the permission is in the key besides.

What differs per request and not per row (the CSRF token, the page's own address in the
forms' ``next``) is rendered as a fixed placeholder and put in afterwards.

``FORUM_QUEUE_ROWS_CACHE`` (on by default) switches the keeping off, to compare: the rows are
then rendered on every request by the same template.
"""

from django.conf import settings
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from forum.cases import presenters, selectors
from forum.cases.models import Case
from portal.fragments import content_digest, fragments_kept

ROW_KEY_PREFIX = "cases:queue-row:"
# Bounds what the cache keeps of pages nobody opens again; a row costs a render to rebuild.
ROWS_TIMEOUT = 3600

_CSRF_SLOT = "queue-row-csrf-slot"
_NEXT_SLOT = "queue-row-next-slot"
# Both placeholders are whole tags: escaped text from a member (a subject, an excerpt) can never
# contain "<", so it can never be mistaken for one.
_CSRF_TAG = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', _CSRF_SLOT)
_NEXT_TAG = format_html('<input type="hidden" name="next" value="{}">', _NEXT_SLOT)


def choice_labels() -> dict[str, dict]:
    """The case's type, priority and status labels in the active language, to look up per row
    (``get_FOO_display`` rebuilds its choices' dictionary on every call: a fifth of the rows'
    time)."""
    return {
        name: {value: str(label) for value, label in Case._meta.get_field(name).flatchoices}
        for name in ("type", "priority", "status")
    }


def _label(labels: dict, name: str, value) -> str:
    return labels[name].get(value, str(value))


def lookup_names(*, departments, projects) -> dict[str, dict]:
    """The small tables' names by id, as the rows read them (``row_values``)."""
    return {"department": {d.pk: d.name for d in departments}, "project": dict(projects)}


def _public_name(display_name, username) -> str:
    return display_name or username or ""


def row_values(row: dict, *, show_pii: bool, now, labels: dict, names: dict, department_name=None):
    """Everything a queue row shows, as plain values (masked without the PII permission), from
    the case's values read for the page (``selectors.case_queue_rows``) and the small tables'
    names (``lookup_names``). The routing reasons only with ``department_name``
    (presenters.department_namer), for the triage queue, which shows them."""
    email = (row["poster_email"] or "") if row["poster_id"] else ""
    excerpt = row["excerpt"] or ""
    departments = names["department"]
    department_id = row["department_id"]
    suggested_department_id = row["suggested_department_id"]
    due = row["due"]
    status = row["status"]
    return {
        "pk": row["pk"],
        "version": row["version"],
        "subject": row["subject"],
        "type": _label(labels, "type", row["type"]),
        "priority": _label(labels, "priority", row["priority"]),
        "status": status,
        "status_label": _label(labels, "status", status),
        "department_id": department_id,
        # As str() of the case's department: "None" without one.
        "department": departments[department_id] if department_id else "None",
        "category": row["category_name"] if row["category_id"] else "",
        "project": names["project"][row["project_id"]] if row["project_id"] else "",
        "suggested_department": departments[suggested_department_id]
        if suggested_department_id
        else "",
        "suggested_category": row["suggested_category_name"]
        if row["suggested_category_id"]
        else "",
        "suggestion_confidence": row["suggestion_confidence"],
        "reasons": [
            presenters.reason_text(reason, department_name=department_name)
            for reason in row["suggestion_reasons"] or []
        ]
        if department_name
        else [],
        "assignee": _public_name(row["assignee_display_name"], row["assignee_username"])
        if row["assignee_id"]
        else "",
        "first_response_at": bool(row["first_response_at"]),
        "due": due,
        # The case's current deadline: ``due``, or else its resolution's (Case.current_due).
        "due_state": selectors.due_state_at(
            is_open=status in Case.OPEN_STATUSES,
            due=due if due is not None else row["resolution_due"],
            now=now,
        ),
        "poster_name": _public_name(row["poster_display_name"], row["poster_username"])
        if row["poster_id"]
        else "",
        "poster_email": email if show_pii else selectors.mask_email(email),
        "excerpt": excerpt if show_pii else selectors.mask_personal_data(excerpt),
        "show_pii": show_pii,
    }


def rendered_rows(values: list[dict], *, template_name: str, request, page_context=None):
    """Each row's HTML, in order: read with one ``get_many``, the missing ones rendered and
    kept. ``page_context`` is what the row template reads besides its row (the same for every
    row of the page; it is part of every key)."""
    template = get_template(template_name)
    page_context = page_context or {}
    context = {**page_context, "csrf_token": _CSRF_SLOT, "next_slot": _NEXT_SLOT}
    if getattr(settings, "FORUM_QUEUE_ROWS_CACHE", True):
        common = content_digest(
            template_name,
            template.template.source,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            sorted(page_context.items()),
        )
        keys = [f"{ROW_KEY_PREFIX}{content_digest(common, sorted(row.items()))}" for row in values]
    else:
        keys = [None] * len(values)
    fragments = fragments_kept(
        values,
        keys,
        lambda row: template.render({**context, "row": row}),
        timeout=ROWS_TIMEOUT,
    )
    personal = {}
    return [_personal_parts(html, request, personal) for html in fragments]


def _personal_parts(html: str, request, personal: dict) -> str:
    """The row with this request's CSRF token and address put in the placeholders (each
    worked out once a page, in ``personal``)."""
    if _CSRF_TAG in html:
        if "csrf" not in personal:
            personal["csrf"] = format_html(
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
            )
        html = html.replace(_CSRF_TAG, personal["csrf"])
    if _NEXT_TAG in html:
        if "next" not in personal:
            personal["next"] = format_html(
                '<input type="hidden" name="next" value="{}">', request.get_full_path()
            )
        html = html.replace(_NEXT_TAG, personal["next"])
    return mark_safe(html)  # noqa: S308 (the template's output, with escaped values put in)


FILTERS_KEY_PREFIX = "cases:queue-filters:"
FILTERS_TEMPLATE = "cases/_filters.html"


def filters_rendered(filter_form) -> str:
    """The queue's filter form (``cases/_filters.html``), kept under a digest of everything it
    shows: each field's name, id, label, choices and current value, the template's source and
    the language. Rendering its options (every housing project, department and owner) was a
    tenth of the queue's time."""
    template = get_template(FILTERS_TEMPLATE)
    if not getattr(settings, "FORUM_QUEUE_ROWS_CACHE", True):
        return template.render({"filter_form": filter_form})
    shown = [
        (
            field.html_name,
            field.id_for_label,
            str(field.label),
            str(field.value()),
            [(str(value), str(label)) for value, label in field.field.choices],
        )
        for field in filter_form
    ]
    key = FILTERS_KEY_PREFIX + content_digest(
        template.template.source, translation.get_language(), shown
    )
    (html,) = fragments_kept(
        [filter_form],
        [key],
        lambda form: template.render({"filter_form": form}),
        timeout=ROWS_TIMEOUT,
    )
    return mark_safe(html)  # noqa: S308 (the template's output)

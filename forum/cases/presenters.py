"""Routing reasons and case history in the words a moderator reads.

The router stores its reasons as short machine strings (``rule: 渗漏水 (漏水)``,
``model v1: design 96% (建议, 增加, 儿童)``, ``no rule, no model``) and events keep raw status
codes: both stay as stored (they are the audit trail and the training record) and are put into
the reader's language here, at display.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from forum.cases.models import Case, CaseEvent, Department

RULE_REASON = re.compile(r"rule: (?P<name>.+?) \((?P<matched>[^()]*)\)")
MODEL_REASON = re.compile(
    r"model v(?P<version>\d+): (?P<code>[\w-]+) (?P<percent>\d+)%(?: \((?P<terms>[^()]*)\))?"
)
NO_SUGGESTION = "no rule, no model"

DepartmentName = Callable[[str], str]


def department_namer(known: Iterable[Department | None] = ()) -> DepartmentName:
    """A code → name lookup that asks the database once, and only for codes it was not given."""
    names = {d.code: d.name for d in known if d is not None}

    def name(code: str) -> str:
        if code not in names:
            names.update(Department.objects.values_list("code", "name"))
        return names.get(code, code)

    return name


def _rule_text(match: re.Match) -> str:
    return _("Rule “%(rule)s” matched “%(words)s”") % {
        "rule": match["name"],
        "words": match["matched"],
    }


def _model_text(match: re.Match, department_name: DepartmentName) -> str:
    values = {"department": department_name(match["code"]), "percent": match["percent"]}
    terms = [term.strip() for term in (match["terms"] or "").split(",") if term.strip()]
    if terms:
        values["terms"] = pgettext("list separator", ", ").join(terms)
        return (
            _("The model suggests %(department)s (confidence %(percent)s%%, from: %(terms)s)")
            % values
        )
    return _("The model suggests %(department)s (confidence %(percent)s%%)") % values


def reason_text(reason: str, *, department_name: DepartmentName) -> str:
    """One stored reason (or several joined by the services into an event note) in words."""
    text = reason.replace(
        NO_SUGGESTION, _("No rule matched and no trained model: choose the department by hand")
    )
    text = RULE_REASON.sub(_rule_text, text)
    return MODEL_REASON.sub(lambda match: _model_text(match, department_name), text)


def case_reasons(case: Case) -> list[str]:
    namer = department_namer([case.suggested_department])
    return [reason_text(reason, department_name=namer) for reason in case.suggestion_reasons or []]


def status_label(code: str) -> str:
    try:
        return str(Case.Status(code).label)
    except ValueError:
        return code


def event_text(event: CaseEvent, *, department_name: DepartmentName) -> str:
    """What happened, as one line: the kind, the status move by its labels, the note in words."""
    text = str(event.get_kind_display())
    if event.to_status:
        text = pgettext("case history", "%(event)s: %(old)s → %(new)s") % {
            "event": text,
            "old": status_label(event.from_status) if event.from_status else "—",
            "new": status_label(event.to_status),
        }
    if event.note:
        text = pgettext("case history", "%(event)s — %(note)s") % {
            "event": text,
            "note": reason_text(event.note, department_name=department_name),
        }
    return text

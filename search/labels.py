"""Names for facet values (board, project, department, status ids → what readers read)."""

from django.utils.translation import gettext_lazy as _
from machina.apps.forum.models import Forum

from forum.cases.models import Case, Department
from portal.members.models import HousingProject
from search.models import DocumentKind

KIND_PARAMS = {
    DocumentKind.POST: "posts",
    DocumentKind.NEWS: "news",
    DocumentKind.HANDBOOK: "handbook",
    DocumentKind.OFFERS: "offers",
    DocumentKind.PAGE: "pages",
    DocumentKind.MERCHANT: "merchants",
    DocumentKind.ACTIVITIES: "activities",
}


def _names(model, ids, attribute="name") -> dict:
    # Plain values: a board is an mptt model whose instances cost more to build than to read.
    return dict(model.objects.filter(pk__in=list(ids)).values_list("pk", attribute))


def _status_label(value: str) -> str:
    statuses = getattr(Case, "Status", None)
    if statuses is not None:
        try:
            return str(statuses(value).label)
        except ValueError:
            pass
    return value


def facet_groups(results, *, query, is_staff: bool) -> list[dict]:
    facets = results.facets
    groups = [
        {
            "param": "type",
            "label": _("Type"),
            "options": [
                (KIND_PARAMS.get(value, value), DocumentKind(value).label, count,
                 value in query.kinds)
                for value, count in facets.get("kind", {}).items()
                if value in KIND_PARAMS
            ],
        },
    ]  # fmt: skip
    for param, field, model, label, chosen in (
        ("board", "forum_id", Forum, _("Board"), query.forum_ids),
        ("project", "project_id", HousingProject, _("Housing project"), query.project_ids),
        ("department", "department_id", Department, _("Department"), query.department_ids),
    ):
        if field not in facets:
            continue
        names = _names(model, facets[field])
        groups.append(
            {
                "param": param,
                "label": label,
                "options": [
                    (value, names.get(value, value), count, value in chosen)
                    for value, count in facets[field].items()
                ],
            }
        )
    if is_staff and "status" in facets:
        groups.append(
            {
                "param": "status",
                "label": _("Case status"),
                "options": [
                    (value, _status_label(value), count, value in query.statuses)
                    for value, count in facets["status"].items()
                ],
            }
        )
    for group in groups:
        group["options"].sort(key=lambda option: -option[2])
    return [g for g in groups if g["options"]]

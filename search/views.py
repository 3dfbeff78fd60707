import datetime
import logging

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from search.backends.base import (
    SORT_NEWEST,
    SORT_OLDEST,
    SORT_RELEVANCE,
    SORTS,
    BackendUnavailable,
    SearchQuery,
)
from search.highlight import highlight_snippet, highlight_title
from search.labels import facet_groups
from search.models import DocumentKind
from search.selectors import audience_for, site_search

logger = logging.getLogger(__name__)

RESULTS_PER_PAGE = 20
MAX_PAGE = 500
TYPES = {
    "posts": (DocumentKind.POST,),
    "news": (DocumentKind.NEWS,),
    "handbook": (DocumentKind.HANDBOOK,),
    "offers": (DocumentKind.OFFERS,),
    "pages": (DocumentKind.PAGE,),
    "merchants": (DocumentKind.MERCHANT,),
    "activities": (DocumentKind.ACTIVITIES,),
}
SORT_LABELS = {
    SORT_RELEVANCE: _("Best match"),
    SORT_NEWEST: _("Newest first"),
    SORT_OLDEST: _("Oldest first"),
}


def _is_number(value: str) -> bool:
    # Not str.isdigit(): it accepts "²", which int() refuses (issue 13, finding 8).
    return value.isascii() and value.isdecimal() and len(value) < 10


def _ints(values) -> tuple[int, ...]:
    return tuple(int(v) for v in values if _is_number(v))[:20]


def _date(value: str, *, end: bool = False):
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    if end:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _with_links(groups, params) -> list[dict]:
    """Each facet option links to the same search narrowed to it (or widened, if chosen)."""
    for group in groups:
        options = []
        for value, label, count, selected in group["options"]:
            link = params.copy()
            link.pop("page", None)
            if selected:
                link.pop(group["param"], None)
            else:
                link[group["param"]] = value
            options.append(
                {"label": label, "count": count, "selected": selected, "href": link.urlencode()}
            )
        group["options"] = options
    return groups


def search(request):
    params = request.GET
    kind = params.get("type", "all")
    sort = params.get("sort", SORT_RELEVANCE)
    page_number = params.get("page", "1")
    query = SearchQuery(
        text=params.get("q", ""),
        kinds=TYPES.get(kind, ()),
        forum_ids=_ints(params.getlist("board")),
        project_ids=_ints(params.getlist("project")),
        department_ids=_ints(params.getlist("department")),
        statuses=tuple(s[:30] for s in params.getlist("status") if s)[:20],
        date_from=_date(params.get("from", "")),
        date_to=_date(params.get("to", ""), end=True),
        sort=sort if sort in SORTS else SORT_RELEVANCE,
        page=max(1, min(int(page_number), MAX_PAGE)) if _is_number(page_number) else 1,
        per_page=RESULTS_PER_PAGE,
    )
    parsed = query.parsed
    filtered = any(
        (query.kinds, query.forum_ids, query.project_ids, query.department_ids, query.statuses)
    ) or any((query.date_from, query.date_to))
    audience = audience_for(user=request.user, permission_handler=request.forum_permission_handler)
    results = None
    unavailable = False
    if parsed.words or filtered:
        try:
            results = site_search(
                query=query,
                user=request.user,
                permission_handler=request.forum_permission_handler,
                audience=audience,
            )
        except BackendUnavailable:
            logger.exception("search engine unavailable")
            unavailable = True
    if results is not None:
        for hit in results.hits:
            hit.title_html = highlight_title(hit.title, parsed.highlight_terms)
            hit.snippet_html = highlight_snippet(hit.body, parsed.highlight_terms)
            hit.kind_label = DocumentKind(hit.kind).label
    num_pages = max(1, -(-results.total // RESULTS_PER_PAGE)) if results else 1
    response = render(
        request,
        "search/search.html",
        {
            "query": parsed.text,
            "searched": results is not None,
            "unavailable": unavailable,
            "no_words": bool(parsed.text) and not parsed.words,
            "kind": kind if kind in TYPES else "all",
            "types": [("all", _("Everything"))]
            + [(k, DocumentKind(v[0]).label) for k, v in TYPES.items()],
            "sort": query.sort,
            "sorts": list(SORT_LABELS.items()),
            "date_from": params.get("from", "") if query.date_from else "",
            "date_to": params.get("to", "") if query.date_to else "",
            "results": results,
            "kept_filters": [
                (name, value)
                for name in ("board", "project", "department", "status")
                for value in params.getlist(name)[:20]
            ],
            "facet_groups": _with_links(
                facet_groups(results, query=query, is_staff=audience.is_staff), params
            )
            if results
            else [],
            "is_staff": audience.is_staff,
            "page": query.page,
            "num_pages": num_pages,
            "has_previous": query.page > 1,
            "has_next": query.page < min(num_pages, MAX_PAGE),
        },
    )
    if unavailable:
        response.status_code = 503
    return response

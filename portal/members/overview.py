"""The personal center's overview: what is costly per member kept rendered between requests.

The overview shows the member's own data: name, username, email, join date, member number,
level, points balances, their units and whether they asked for deletion. Reading the balances
and the units is two queries and rendering them most of the page's own template. Both parts are
kept in the default cache per member under two versions:

- the *member's version*, replaced (now, and again once the transaction commits) whenever
  something of theirs that the overview shows is saved or deleted: the account, the profile
  (level, deletion request), a points entry, a unit ownership (portal/members/receivers.py);
- the *overview generation*, replaced for everyone when a housing project or a level (whose
  names it shows) changes, and by the load generator, which writes rows without signals.

The key holds the language, the time zone and the templates' source too. What can change
without a member's own change (the staff work links and their waiting counts) is rendered on
every request, outside the kept parts. An entry is only ever read for its own member.

``MEMBER_OVERVIEW_CACHE`` (on by default) switches the keeping off, to compare. Rows edited
in the database by hand show within ``OVERVIEW_TIMEOUT``.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from portal.fragments import content_digest

VERSION_KEY_PREFIX = "members:overview:version:"
GENERATION_KEY = "members:overview:generation"
FRAGMENT_KEY_PREFIX = "members:overview:parts:"
OVERVIEW_TIMEOUT = 3600
TEMPLATES = {
    "card": "portal/me/_overview_card.html",
    "units": "portal/me/_overview_units.html",
}
# What the parts are rendered from, for the key: a deploy that changes them renders them anew.
SOURCES = (*TEMPLATES.values(), "portal/includes/ownership_list.html")


def member_overview_changed(*, member_id: int | None) -> None:
    """The member's kept overview is stale: now, and again after the commit (a request that
    read the rows before the commit must not keep them under the version set now)."""
    if member_id is None:
        return
    key = f"{VERSION_KEY_PREFIX}{member_id}"
    cache.set(key, uuid.uuid4().hex, timeout=OVERVIEW_TIMEOUT)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, timeout=OVERVIEW_TIMEOUT))


def member_overview_all_changed() -> None:
    """Every member's kept overview is stale (a project's or a level's name, bulk loads)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None))


def _versions(member_id: int) -> tuple[str, str] | None:
    """The member's version and the generation, started when missing; None when the cache
    keeps nothing."""
    version_key = f"{VERSION_KEY_PREFIX}{member_id}"
    found = cache.get_many([version_key, GENERATION_KEY])
    if version_key not in found:
        cache.add(version_key, uuid.uuid4().hex, timeout=OVERVIEW_TIMEOUT)
    if GENERATION_KEY not in found:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    if version_key not in found or GENERATION_KEY not in found:
        found = cache.get_many([version_key, GENERATION_KEY])
    if version_key not in found or GENERATION_KEY not in found:
        return None
    return found[version_key], found[GENERATION_KEY]


def _render(user, compute) -> dict[str, str]:
    context = {"user": user, **compute()}
    return {name: get_template(path).render(context) for name, path in TEMPLATES.items()}


def _safe(parts: dict[str, str]) -> dict[str, str]:
    return {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308 (rendered)


def member_overview_parts(*, user, compute) -> dict[str, str]:
    """The overview's kept parts for ``user`` ({"card": html, "units": html}); ``compute()``
    gives the profile, balances and ownerships when they must be rendered."""
    if not getattr(settings, "MEMBER_OVERVIEW_CACHE", True):
        return _render(user, compute)
    # The versions first: read before the database, so rows older than a change are kept
    # under the version that change replaces.
    versions = _versions(user.pk)
    if versions is None:
        return _render(user, compute)
    sources = "".join(get_template(path).template.source for path in SOURCES)
    digest = content_digest(
        user.pk,
        versions,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        sources,
    )
    key = f"{FRAGMENT_KEY_PREFIX}{user.pk}:{digest}"
    parts = cache.get(key)
    if parts is None:
        parts = _render(user, compute)
        cache.set(key, parts, timeout=OVERVIEW_TIMEOUT)
    return _safe(parts)

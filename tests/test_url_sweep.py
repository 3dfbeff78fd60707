"""The URL sweep (#13): every URL pattern of the site, as every role, for GET and POST.

Each pattern of the resolver (included urlconfs too) must have an entry in ``TABLE``: how to fill
its arguments from the sweep's world (tests/sweep_world.py) and what each role gets. A new URL
without an entry fails ``test_every_url_pattern_has_an_entry``. For every request:

- the status is the table's (``OK`` served, ``LOGIN`` sent to log in, ``DENY`` 403, ``GONE``
  404, ``NO_METHOD`` 405), and never 500;
- the Content-Security-Policy is the site's and an HTML page runs no inline script;
- no text marked secret in the world (a staff-only complaint, an owners' board topic, a post
  awaiting approval, an attachment's bytes, a case rating) appears in the answer to a role that
  may not read it.

POSTs are sent empty and rolled back (a savepoint around each request), so the world stays the
same for every role; the check is who is let in, not what a form does with its data.

Two prefixes are covered by a rule instead of one entry per pattern: ``cms/`` (Wagtail's admin)
and ``django-admin/`` (Django's). Both check their own permission before any view runs
(Wagtail's ``access_admin``, the admin site's ``is_staff`` + model permissions); we do not
change them, and entries for their ~450 patterns would only restate Wagtail and Django.
``test_admin_prefixes_refuse_visitors_and_members`` requests each of their patterns (arguments
filled with dummies) as a visitor and a plain member: never served, never 500.

Cells that are wrong today and fixed on another branch are listed in ``KNOWN_WRONG`` with the
finding; they are expected to fail (strict xfail), so the integrator removes them after merging.
"""

import copy
import functools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.surveys.models import SurveyResponse
from tests.portal.test_csp import inline_scripts
from tests.sweep_world import DEPARTMENT_ROLES, ROLES, SECRETS, world_build

OK, LOGIN, DENY, GONE, NO_METHOD = "ok", "login", "403", "404", "405"
# For cells fixed on another branch whose exact refusal (403 or 404) that branch decides.
REFUSED = "refused"

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"visitor"}
ADMIN_PREFIXES = ("cms/", "django-admin/")


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome: str = OK) -> dict[str, str]:
    return {**everyone(outcome), "visitor": LOGIN}


def only(*roles: str, refused: str = DENY, visitor: str = LOGIN) -> dict[str, str]:
    """Served to these roles; the others refused; visitors sent to log in."""
    table = {role: (OK if role in roles else refused) for role in ROLES}
    if "visitor" not in roles:
        table["visitor"] = visitor
    return table


def post_only(*, visitor: str = LOGIN) -> dict[str, str]:
    """GET of a POST-only view behind ``login_required``: visitors log in, the rest get 405."""
    return {**everyone(NO_METHOD), "visitor": visitor}


@dataclass
class Target:
    """One way to fill a pattern's arguments, with what each role gets."""

    label: str
    kwargs: Callable[[dict], dict] | None
    get: dict[str, str]
    post: dict[str, str]
    query: str = ""
    args: Callable[[dict], tuple] | None = None


@dataclass
class Entry:
    targets: list[Target] = field(default_factory=list)


def entry(*targets: Target) -> Entry:
    return Entry(list(targets))


def simple(get, post=None, *, kwargs=None, query="", label="-") -> Entry:
    return entry(Target(label, kwargs, get, post if post is not None else get, query))


def topic_kwargs(topic, *, prefix: str = "") -> dict:
    if prefix:
        return {
            "forum_slug": topic.forum.slug,
            "forum_pk": topic.forum_id,
            "topic_slug": topic.slug,
            "topic_pk": topic.pk,
        }
    return {"forum_slug": topic.forum.slug, "forum_pk": topic.forum_id, "slug": topic.slug,
            "pk": topic.pk}  # fmt: skip


def forum_kwargs(forum) -> dict:
    return {"forum_slug": forum.slug, "forum_pk": forum.pk}


PRIVATE_READERS = ("author", "moderator", "property")
OWNERS_READERS = ("owner_a", "moderator")
DEPT_STAFF = DEPARTMENT_ROLES

TABLE: dict[str, Entry] = {
    # --- the shell
    "healthz": simple(everyone(OK)),
    "bench_bare": simple(everyone(GONE)),  # BENCH_BARE_VIEW is off
    "set_language": simple(everyone(OK)),
    "sitemap": simple(everyone(OK)),
    # --- Wagtail's public routes (documents, page passwords, pages)
    "wagtaildocs_serve": entry(
        Target(
            "missing document",
            None,
            everyone(GONE),
            everyone(GONE),
            args=lambda o: (999999, "missing.pdf"),
        )  # fmt: skip
    ),
    "wagtaildocs_authenticate_with_password": simple(
        everyone(GONE), kwargs=lambda o: {"restriction_id": 999999}
    ),
    "wagtailcore_authenticate_with_password": simple(
        everyone(GONE),
        kwargs=lambda o: {"page_view_restriction_id": 999999, "page_id": 999999},
    ),
    "wagtailcore_login": simple(everyone(OK)),
    "wagtail_serve": entry(Target("home", None, everyone(OK), everyone(OK), args=lambda o: ("",))),
    # --- accounts (allauth)
    "account_login": simple(everyone(OK)),
    "account_logout": simple(everyone(OK)),
    "account_inactive": simple(everyone(OK), everyone(NO_METHOD)),
    "account_signup": simple(everyone(OK)),
    "privacy_notice": simple(everyone(OK)),
    "account_reauthenticate": simple(signed_in()),
    "account_request_reauthentication_code": simple(signed_in()),
    "account_confirm_reauthentication_code": simple(signed_in()),
    "account_email": simple(signed_in()),
    "account_email_verification_sent": simple(everyone(OK), everyone(NO_METHOD)),
    "account_change_password": simple(signed_in()),
    "account_set_password": simple(signed_in()),
    "account_reset_password": simple(everyone(OK)),
    # Without a login code requested first, the flow starts over at the login page.
    "account_confirm_login_code": simple({**everyone(OK), "visitor": LOGIN}),
    "account_confirm_email": entry(
        Target("forged key", None, everyone(OK), everyone(GONE), args=lambda o: ("forged-key",))
    ),
    "account_reset_password_from_key_done": simple(everyone(OK), everyone(NO_METHOD)),
    "account_reset_password_from_key": entry(
        Target("forged key", None, everyone(OK), everyone(OK), args=lambda o: ("1", "forged"))
    ),
    "account_reset_password_done": simple(everyone(OK), everyone(NO_METHOD)),
    # --- personal center: every signed-in account has one, only its own
    "personal_center": simple(signed_in()),
    "me_profile": simple(signed_in()),
    "me_units": simple(signed_in()),
    "me_points": simple(signed_in()),
    "me_rewards": simple(signed_in(), signed_in(GONE)),  # an empty POST names no reward
    "me_card": simple(signed_in()),
    "me_notices": simple(signed_in()),
    "me_settings": simple(signed_in()),
    "me_data": simple(signed_in()),
    "me_delete": simple(signed_in()),
    "me_posts": simple(signed_in()),
    "me_cases": simple(signed_in()),
    # --- member-service staff pages
    "staff_members": simple(only("service")),
    "staff_member_detail": simple(only("service"), kwargs=lambda o: {"user_id": o["author"].pk}),
    "staff_member_grant": simple(
        everyone(NO_METHOD), only("service"), kwargs=lambda o: {"user_id": o["author"].pk}
    ),
    "staff_member_referral": simple(
        everyone(NO_METHOD), only("service"), kwargs=lambda o: {"user_id": o["author"].pk}
    ),
    "staff_member_reissue": simple(
        everyone(NO_METHOD), only("service"), kwargs=lambda o: {"user_id": o["author"].pk}
    ),
    "staff_member_anonymise": simple(
        everyone(NO_METHOD), only("service"), kwargs=lambda o: {"user_id": o["author"].pk}
    ),
    "staff_deletions": simple(only("service")),
    "staff_claims": simple(only("service")),
    "staff_claim_decide": simple(
        everyone(NO_METHOD), only("service"), kwargs=lambda o: {"pk": o["claim"].pk}
    ),
    "staff_redemptions": simple(only("service")),
    "staff_redemption_decide": simple(
        everyone(NO_METHOD), only("service"), kwargs=lambda o: {"pk": o["fulfilment"].pk}
    ),
    # Anyone may scan a card (a shop's till has no account); the token is signed.
    "member_card_verify": entry(
        Target("card", lambda o: {"token": o["card_token"]}, everyone(OK), everyone(OK)),
        Target("forged", lambda o: {"token": "KH00000001:forged"}, everyone(GONE), everyone(GONE)),
    ),
    # --- the club's forum pages
    "boards:answer_accept": simple(
        post_only(), only("member", "moderator"), kwargs=lambda o: {"pk": o["public_reply"].pk}
    ),
    "boards:answer_unaccept": simple(
        post_only(), only("member", "moderator"), kwargs=lambda o: {"pk": o["public_topic"].pk}
    ),
    "boards:post_report": entry(
        Target(
            "public reply",
            lambda o: {"pk": o["public_reply"].pk},
            {**signed_in(), "owner_b": DENY},  # not one's own post
            {**signed_in(), "owner_b": DENY},
        ),
        Target(
            "staff-only complaint",
            lambda o: {"pk": o["private_topic"].first_post_id},
            only("moderator", "property"),
            only("moderator", "property"),
        ),
        Target(
            "post awaiting approval",
            lambda o: {"pk": o["pending_post"].pk},
            # Only an approved post is reported; the moderators approve or reject this one.
            {**only(refused=REFUSED), "author": DENY, "moderator": DENY},
            {**only(refused=REFUSED), "author": DENY, "moderator": DENY},
        ),
    ),
    "boards:report_queue": simple(only("moderator")),
    "boards:report_decide": simple(
        post_only(), only("moderator"), kwargs=lambda o: {"pk": o["report"].pk}
    ),
    "boards:notifications": simple(signed_in()),
    # --- machina
    "forum:index": simple(everyone(OK), everyone(NO_METHOD)),
    "forum:forum": entry(
        Target(
            "complaints",
            lambda o: {"slug": o["private_topic"].forum.slug, "pk": o["private_topic"].forum_id},
            everyone(OK),
            everyone(NO_METHOD),
        ),
        Target(
            "owners' board",
            lambda o: {"slug": o["owners_topic"].forum.slug, "pk": o["owners_topic"].forum_id},
            only(*OWNERS_READERS),
            {**only(*OWNERS_READERS), "owner_a": NO_METHOD, "moderator": NO_METHOD},
        ),
    ),
    # Members vote in the polls of the mutual-help board (#19); a vote is POSTed.
    "forum_conversation:topic_poll_vote": simple(
        post_only(), signed_in(), kwargs=lambda o: {"pk": o["poll"].pk}
    ),
    "forum_conversation:attachment": simple(
        only(*PRIVATE_READERS, refused=REFUSED, visitor=REFUSED),
        everyone(NO_METHOD),  # GET only, checked before anything is read
        kwargs=lambda o: {"pk": o["attachment"].pk},
    ),
    "forum_conversation:topic": entry(
        Target(
            "public",
            lambda o: topic_kwargs(o["public_topic"]),
            everyone(OK),
            everyone(NO_METHOD),
        ),
        Target(
            "staff-only complaint",
            lambda o: topic_kwargs(o["private_topic"]),
            only(*PRIVATE_READERS),
            {**only(*PRIVATE_READERS), **dict.fromkeys(PRIVATE_READERS, NO_METHOD)},
        ),
        Target(
            "owners' board",
            lambda o: topic_kwargs(o["owners_topic"]),
            only(*OWNERS_READERS),
            {**only(*OWNERS_READERS), **dict.fromkeys(OWNERS_READERS, NO_METHOD)},
        ),
        Target(
            "rated complaint",
            lambda o: topic_kwargs(o["design_topic"]),
            everyone(OK),
            everyone(NO_METHOD),
        ),
    ),
    "forum_conversation:topic_create": entry(
        Target(
            "complaints",
            lambda o: forum_kwargs(o["private_topic"].forum),
            signed_in(),
            signed_in(),
        ),
        Target(
            "owners' board",
            lambda o: forum_kwargs(o["owners_topic"].forum),
            only(*OWNERS_READERS),
            only(*OWNERS_READERS),
        ),
    ),
    "forum_conversation:topic_update": simple(
        only("author", "moderator"),
        kwargs=lambda o: topic_kwargs(o["private_topic"]),
    ),
    "forum_conversation:post_create": entry(
        Target(
            "staff-only complaint",
            lambda o: topic_kwargs(o["private_topic"], prefix="topic"),
            only(*PRIVATE_READERS),
            only(*PRIVATE_READERS),
        ),
        Target(
            "owners' board",
            lambda o: topic_kwargs(o["owners_topic"], prefix="topic"),
            only(*OWNERS_READERS),
            only(*OWNERS_READERS),
        ),
    ),
    "forum_conversation:post_update": simple(
        only("author", "moderator"),
        kwargs=lambda o: {
            **topic_kwargs(o["public_topic"], prefix="topic"),
            "pk": o["pending_post"].pk,
        },
    ),
    "forum_conversation:post_delete": simple(
        only("moderator"),  # members may not delete their posts
        kwargs=lambda o: {
            **topic_kwargs(o["public_topic"], prefix="topic"),
            "pk": o["pending_post"].pk,
        },
    ),
    "forum_feeds:latest_topics": simple(everyone(OK)),
    # A hidden board's feed is an empty feed (the markers check that no topic is in it).
    "forum_feeds:forum_latest_topics": simple(
        everyone(OK), kwargs=lambda o: forum_kwargs(o["owners_topic"].forum)
    ),
    "forum_feeds:forum_latest_topics_with_descendants": simple(
        everyone(OK), kwargs=lambda o: forum_kwargs(o["owners_topic"].forum)
    ),
    "forum_member:profile_update": simple(signed_in()),
    "forum_member:profile": simple(
        everyone(OK), everyone(NO_METHOD), kwargs=lambda o: {"pk": str(o["author"].pk)}
    ),
    "forum_member:user_posts": simple(
        everyone(OK), everyone(NO_METHOD), kwargs=lambda o: {"pk": str(o["author"].pk)}
    ),
    "forum_member:user_subscriptions": simple(signed_in(), signed_in(NO_METHOD)),
    # owner_a has subscribed already (the world), so only the moderator may subscribe.
    "forum_member:topic_subscribe": simple(
        only("moderator"), kwargs=lambda o: {"pk": o["owners_topic"].pk}
    ),
    # Only a subscriber (owner_a, in the world) may unsubscribe.
    "forum_member:topic_unsubscribe": simple(
        only("owner_a"), kwargs=lambda o: {"pk": o["owners_topic"].pk}
    ),
    **{
        f"forum_moderation:{name}": simple(
            only("moderator"),
            kwargs=lambda o: {"slug": o["owners_topic"].slug, "pk": o["owners_topic"].pk},
        )
        for name in (
            "topic_lock",
            "topic_unlock",
            "topic_delete",
            "topic_move",
            "topic_update_to_post",
            "topic_update_to_sticky",
            "topic_update_to_announce",
        )
    },
    "forum_moderation:queue": simple(
        only("moderator"), {**only("moderator"), "moderator": NO_METHOD}
    ),
    **{
        f"forum_moderation:{name}": simple(
            only("moderator"),
            {**only("moderator"), "moderator": NO_METHOD} if name == "queued_post" else None,
            kwargs=lambda o: {"pk": o["pending_post"].pk},
        )
        for name in ("queued_post", "approve_queued_post", "disapprove_queued_post")
    },
    "forum_search:search": simple(everyone(OK)),
    "forum_tracking:mark_all_forums_read": simple(signed_in()),
    # Marking a hidden board's (empty, for the reader) sub-boards read shows and changes nothing.
    "forum_tracking:mark_subforums_read": simple(
        signed_in(), kwargs=lambda o: {"pk": o["owners_topic"].forum_id}
    ),
    "forum_tracking:mark_topics_read": simple(
        only(*OWNERS_READERS), kwargs=lambda o: {"pk": o["owners_topic"].forum_id}
    ),
    "forum_tracking:unread_topics": simple(signed_in(), signed_in(NO_METHOD)),
    # --- search
    # Words beside the markers (a query term is highlighted, which would split a marker).
    "search:search": entry(
        *[
            Target(f"q={word}", None, everyone(OK), everyone(OK), query=f"q={word}")
            for word in ("被泄露", "进度", "微信", "详情")
        ]
    ),
    # --- cases
    "cases:queue": simple(only("moderator", *DEPT_STAFF)),
    "cases:bulk_assign": simple(post_only(), only("moderator")),
    "cases:report": simple(only("moderator")),
    "cases:department_queue": simple(
        only("moderator", "property"), kwargs=lambda o: {"code": "property"}
    ),
    "cases:case_open": simple(
        post_only(), only("moderator"), kwargs=lambda o: {"topic_id": o["public_topic"].pk}
    ),
    "cases:case_detail": simple(
        only("moderator", "property", refused=GONE),
        kwargs=lambda o: {"pk": o["case_property"].pk},
    ),
    "cases:case_rate": simple(
        post_only(), only("author", refused=GONE), kwargs=lambda o: {"pk": o["case_design"].pk}
    ),
    "cases:case_action": simple(
        post_only(),
        only("moderator", "property", refused=GONE),
        kwargs=lambda o: {"pk": o["case_property"].pk, "action": "take"},
    ),
    # --- cases: the service desk, follow-ups, my work, the member's own case actions
    "cases:my_work": simple(only("moderator", *DEPT_STAFF)),
    "cases:alert_preference": simple(post_only(), only(*DEPT_STAFF)),
    "cases:desk_lookup": simple(only("moderator", "service")),
    "cases:desk_member": simple(
        only("moderator", "service"), kwargs=lambda o: {"user_id": o["author"].pk}
    ),
    "cases:follow_ups": simple(only("moderator", "service")),
    "cases:follow_up_done": simple(
        post_only(), only("moderator", "service"), kwargs=lambda o: {"pk": o["follow_up"].pk}
    ),
    **{
        name: simple(
            post_only(),
            only("author", refused=GONE),  # another member's case does not exist for them
            kwargs=lambda o: {"pk": o["case_design"].pk},
        )
        for name in ("me_case_confirm", "me_case_reopen", "me_case_rate")
    },
    "me_case_rate_link": simple(everyone(OK), kwargs=lambda o: {"token": "forged"}),
    # --- insight: the improvement list, the report subscription, the member's page
    "insight:improvements": simple(only("moderator", *DEPT_STAFF)),
    "insight:improvement_new": simple(only("moderator")),
    "insight:improvement_detail": simple(
        only("moderator", "property"), kwargs=lambda o: {"pk": o["improvement"].pk}
    ),
    **{
        name: simple(
            post_only(),
            only("moderator", "property"),
            kwargs=lambda o: {"pk": o["improvement"].pk},
        )
        for name in ("insight:improvement_move", "insight:improvement_edit")
    },
    "insight:report_subscription": simple(post_only(), only("moderator")),
    "me_improvements": simple(signed_in()),
    # --- members: earning points, invitations
    "me_points_earn": simple(signed_in()),
    "member_invited": simple(everyone(OK), kwargs=lambda o: {"token": "forged"}),
    # --- activities
    "me_activities": simple(signed_in()),
    # require_POST comes first: a GET is 405 for everyone, visitors included.
    "activity_signup": simple(
        everyone(NO_METHOD), signed_in(), kwargs=lambda o: {"pk": o["activity"].pk}
    ),
    "activity_cancel": simple(
        everyone(NO_METHOD), signed_in(), kwargs=lambda o: {"pk": o["activity"].pk}
    ),
    # Only a member who attended rates (nobody has been checked in).
    "activity_rate": simple(
        everyone(NO_METHOD), signed_in(GONE), kwargs=lambda o: {"pk": o["activity"].pk}
    ),
    "activities_staff_signups": entry(
        Target("list", lambda o: {"pk": o["activity"].pk}, only("service"), only("service")),
        Target(
            "csv",
            lambda o: {"pk": o["activity"].pk},
            only("service"),
            only("service"),
            query="export=csv",
        ),
    ),
    "activities_staff_signup_add": simple(
        everyone(NO_METHOD), only("service"), kwargs=lambda o: {"pk": o["activity"].pk}
    ),
    "activities_staff_signup_cancel": simple(
        everyone(NO_METHOD),
        only("service"),
        kwargs=lambda o: {"pk": o["activity"].pk, "signup_id": o["signup"].pk},
    ),
    "activities_check_in": simple(only("service"), kwargs=lambda o: {"pk": o["activity"].pk}),
    "activities_staff_summary": simple(only("service"), kwargs=lambda o: {"pk": o["activity"].pk}),
    "activities_staff_recap": simple(
        {**only("service"), "service": NO_METHOD},
        only("service"),
        kwargs=lambda o: {"pk": o["activity"].pk},
    ),
    "activities_cases": simple(only("service")),
    "activities_plan": simple(only("service")),
    # --- rewards: the member's rewards, the outlets' redeem page, the points plan and grants
    "me_reward_received": simple(
        everyone(NO_METHOD),
        {**signed_in(GONE), "author": OK},
        kwargs=lambda o: {"pk": o["fulfilment"].pk},
    ),
    # Only staff of an outlet (service, in the world) redeem codes.
    "reward_redeem": entry(
        Target("page", None, only("service"), only("service")),
        Target("code", None, only("service"), only("service"), query="code=SWEEPCODE01"),
    ),
    "plan_view": simple(only("service")),
    "plan_view_year": simple(only("service"), kwargs=lambda o: {"year": o["plan_line"].plan.year}),
    "plan_report": simple(only("service"), kwargs=lambda o: {"year": o["plan_line"].plan.year}),
    "plan_line_budget": simple(
        everyone(NO_METHOD), only("service"), kwargs=lambda o: {"pk": o["plan_line"].pk}
    ),
    "grants": simple(only("service")),
    "grant_decide": simple(
        everyone(NO_METHOD), only("service"), kwargs=lambda o: {"pk": o["grant"].pk}
    ),
    # --- campaigns: staff pages (member service here), the signed links of a mail (no login)
    "campaign_list": simple(only("service")),
    "campaign_new": simple(only("service")),
    "campaign_detail": simple(only("service"), kwargs=lambda o: {"pk": o["campaign"].pk}),
    "campaign_edit": simple(only("service"), kwargs=lambda o: {"pk": o["campaign"].pk}),
    "campaign_action": simple(
        everyone(NO_METHOD), only("service"), kwargs=lambda o: {"pk": o["campaign"].pk}
    ),
    "campaign_segment_new": simple(only("service")),
    "campaign_segment_count": simple(only("service")),
    "campaign_segment_edit": simple(only("service"), kwargs=lambda o: {"pk": o["segment"].pk}),
    "campaign_segment_export": simple(only("service"), kwargs=lambda o: {"pk": o["segment"].pk}),
    "campaign_unsubscribe": entry(
        Target("signed", lambda o: {"token": o["unsubscribe_token"]}, everyone(OK), everyone(OK)),
        Target("forged", lambda o: {"token": "forged"}, everyone(OK), everyone(OK)),
    ),
    "campaign_click": entry(
        Target("signed", lambda o: {"token": o["click_token"]}, everyone(OK), everyone(OK)),
        Target("forged", lambda o: {"token": "forged"}, everyone(OK), everyone(OK)),
    ),
    # --- surveys and owners' votes
    "survey_list": simple(everyone(OK)),
    # Results are refused outright to visitors too (403, not the log-in page).
    "survey_results": simple(
        only("service", visitor=DENY), kwargs=lambda o: {"page_id": o["survey"].pk}
    ),
    # The 重新统计 button of the results page: POST only (a GET is 405 for everyone), then
    # the results permission, refused outright to visitors as the page is.
    "survey_phrases_recompute": simple(
        everyone(NO_METHOD),
        only("service", visitor=DENY),
        kwargs=lambda o: {"page_id": o["survey"].pk},
    ),
    "survey_export": entry(
        *[
            Target(
                fmt,
                lambda o, fmt=fmt: {"page_id": o["survey"].pk, "fmt": fmt},
                only("service", visitor=DENY),
                only("service", visitor=DENY),
            )
            for fmt in ("csv", "xlsx")
        ],
        Target(
            "unknown format",
            lambda o: {"page_id": o["survey"].pk, "fmt": "pdf"},
            everyone(GONE),
            everyone(GONE),
        ),
    ),
    # A survey page's one-query route: the sweep's survey lives under /sweep-surveys/, so
    # /surveys/<slug>/ falls through to Wagtail's walk and finds nothing (tests/portal/surveys/
    # test_page_rendering.py serves real surveys through it).
    "survey_page": entry(
        Target(
            "no survey here", lambda o: {"slug": o["survey"].slug}, everyone(GONE), everyone(GONE)
        ),
        Target("unknown", lambda o: {"slug": "no-such-survey"}, everyone(GONE), everyone(GONE)),
    ),  # fmt: skip
    # Withdrawing a segment consent: the author's response gave none, so nobody (the author
    # included) finds one to withdraw; visitors log in.
    "survey_segment_consent_withdraw": simple(
        post_only(),
        {**everyone(GONE), "visitor": LOGIN},
        kwargs=lambda o: {
            "response_id": SurveyResponse.objects.filter(survey=o["survey"])
            .values_list("pk", flat=True)
            .first()
        },
    ),
    # A vote is the business of the project's verified owners (and staff who run votes).
    "vote_detail": simple(
        only("owner_a", "service", refused=GONE), kwargs=lambda o: {"vote_id": o["vote"].pk}
    ),
    "vote_cast": simple(
        post_only(),
        only("owner_a", "service", refused=GONE),
        kwargs=lambda o: {"vote_id": o["vote"].pk},
    ),
    "vote_audit": simple(only("service"), kwargs=lambda o: {"vote_id": o["vote"].pk}),
}

# (pattern, target label, method, role) -> why it fails today. Expected to fail until merged.
KNOWN_WRONG: dict[tuple[str, str, str, str], str] = {}


def _known(pattern: str, label: str, methods: tuple[str, ...], roles, reason: str) -> None:
    for method in methods:
        for role in roles:
            KNOWN_WRONG[(pattern, label, method, role)] = reason


# --- walking the resolver


@functools.cache
def url_patterns() -> dict[str, tuple[str, URLPattern]]:
    """Every pattern of the site: key (``namespace:name`` or the route) -> (route, pattern)."""
    found: dict[str, tuple[str, URLPattern]] = {}

    def walk(resolver, prefix: str, namespace: str | None):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern, route, inner or None)
                continue
            key = route
            if pattern.name:
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
            if key in found and found[key][0] == route:
                continue  # shadowed by an earlier pattern of the same route (our sign-up view)
            if key in found:  # a name used twice (machina's admin views): the route tells apart
                assert is_admin(route), f"two patterns named {key}"
                key = route
            found[key] = (route, pattern)

    walk(get_resolver(), "", None)
    return found


def is_admin(route: str) -> bool:
    return route.startswith(ADMIN_PREFIXES)


# --- the world and the clients


@pytest.fixture(scope="module")
def sweep(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module inside a transaction rolled back at its end."""
    from django.test import override_settings

    media = tmp_path_factory.mktemp("sweep-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        transaction.atomic(),
    ):
        world = world_build()
        clients = {}
        for role in ROLES:
            clients[role] = Client(raise_request_exception=True)
            if world.users[role] is not None:
                clients[role].force_login(world.users[role])
        objects = {**world.objects, **{k: v for k, v in world.users.items() if v}}
        yield objects, clients
        transaction.set_rollback(True)


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def outcome_of(response) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        if "/accounts/login/" in location or "/_util/login/" in location:
            return LOGIN
        return OK
    if code in (200, 201, 204, 400, 409):
        return OK
    return str(code)


def request_as(client: Client, method: str, url: str):
    """One request, rolled back; the client's cookies survive (a logout would clear them)."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            response = client.get(url) if method == "GET" else client.post(url, {})
            text = body_of(response)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response, text


def check_cell(clients, role: str, method: str, url: str, expected: str) -> list[str]:
    try:
        response, text = request_as(clients[role], method, url)
    except Exception as exc:  # noqa: BLE001 - a 500 is a finding, reported with its cause
        return [f"{method} {url} as {role}: 500 ({exc.__class__.__name__}: {exc})"]
    problems = []
    got = outcome_of(response)
    matches = got in (DENY, GONE, LOGIN) if expected == REFUSED else got == expected
    if not matches:
        problems.append(
            f"{method} {url} as {role}: expected {expected}, got {got} ({response.status_code})"
        )
    for marker, readers in SECRETS.items():
        if role not in readers and marker in text:
            problems.append(f"{method} {url} as {role}: shows {marker!r}")
    policy = response.get("Content-Security-Policy", "")
    if "script-src 'self';" not in policy:
        problems.append(f"{method} {url} as {role}: Content-Security-Policy {policy!r}")
    if response.get("Content-Type", "").startswith("text/html") and inline_scripts(text):
        problems.append(f"{method} {url} as {role}: inline script {inline_scripts(text)}")
    return problems


def url_for(key: str, route: str, target: Target, objects: dict) -> str:
    name = key
    if target.args is not None:
        url = reverse(name, args=target.args(objects))
    else:
        url = reverse(name, kwargs=target.kwargs(objects) if target.kwargs else None)
    return f"{url}?{target.query}" if target.query else url


def cells(key: str, target: Target):
    for method, table in (("GET", target.get), ("POST", target.post)):
        for role in ROLES:
            yield method, role, table[role]


# --- the tests


def test_every_url_pattern_has_an_entry():
    patterns = url_patterns()
    ours = {key for key, (route, _pattern) in patterns.items() if not is_admin(route)}
    # The media route exists only with DEBUG (make run); production never serves media by it.
    ours -= {key for key in ours if key.startswith("^media/")}

    assert sorted(ours - set(TABLE)) == [], "new URL patterns: add them to TABLE"
    assert sorted(set(TABLE) - ours) == [], "TABLE names patterns that no longer exist"
    for key, item in TABLE.items():
        for target in item.targets:
            assert set(target.get) == set(ROLES) == set(target.post), key


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(TABLE))
def test_url_sweep(sweep, key):
    objects, clients = sweep
    route = url_patterns()[key][0]
    problems = []
    for target in TABLE[key].targets:
        url = url_for(key, route, target, objects)
        cache.clear()  # rate limits and posting intervals start afresh for each URL
        for method, role, expected in cells(key, target):
            if (key, target.label, method, role) in KNOWN_WRONG:
                continue
            problems += check_cell(clients, role, method, url, expected)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param(cell, id="-".join(cell), marks=pytest.mark.xfail(strict=True, reason=reason))
        for cell, reason in sorted(KNOWN_WRONG.items())
    ],
)
@pytest.mark.django_db
def test_url_sweep_known_wrong_today(sweep, cell):
    objects, clients = sweep
    key, label, method, role = cell
    target = next(t for t in TABLE[key].targets if t.label == label)
    url = url_for(key, url_patterns()[key][0], target, objects)
    table = target.get if method == "GET" else target.post
    cache.clear()
    assert check_cell(clients, role, method, url, table[role]) == []


@pytest.mark.django_db
def test_search_finds_the_markers_for_those_who_may_read_them(sweep):
    """Positive control for the search cells: the world is indexed, so a marker missing from a
    refused role's results means it was filtered, not that nothing was found."""
    _objects, clients = sweep

    found = {
        word: request_as(clients["moderator"], "GET", f"/search/?q={word}")[1]
        for word in ("被泄露", "进度", "微信")
    }

    assert "SWEEP-PRIVATE-门牌号" in found["被泄露"]
    assert "SWEEP-OWNERS-电梯维保" in found["进度"]
    assert "SWEEP-PENDING-13912345678" in found["微信"]


DUMMIES = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.UUID(int=0))}
# Public by design: the admins' log-in, password reset, translations and icon sprite.
ADMIN_PUBLIC = ("login/", "logout/", "password_reset/", "jsi18n/", "sprite/")


def admin_urls() -> list[str]:
    urls = []
    for route, _pattern in url_patterns().values():
        if not is_admin(route):
            continue
        url = re.sub(r"<(?:(\w+):)?\w+>", lambda m: DUMMIES.get(m.group(1) or "str", "x"), route)
        url = url.removesuffix("$")
        if re.search(r"[\^\\(\[?*+]", url):
            continue  # a regular-expression route: nothing in it to fill safely
        urls.append("/" + url)
    return sorted(set(urls))


@pytest.mark.django_db
def test_admin_prefixes_refuse_visitors_and_members(sweep):
    _objects, clients = sweep
    urls = admin_urls()
    problems = []
    assert len(urls) > 300  # the rule really walks the admins
    for url in urls:
        if url.removeprefix("/cms/").removeprefix("/django-admin/").startswith(ADMIN_PUBLIC):
            continue
        for role in ("visitor", "member"):
            try:
                response, _text = request_as(clients[role], "GET", url)
            except Exception as exc:  # noqa: BLE001
                problems.append(f"GET {url} as {role}: 500 ({exc.__class__.__name__}: {exc})")
                continue
            code = response.status_code
            to_login = code == 302 and "login" in response.get("Location", "")
            if not (to_login or code in (403, 404, 405)):
                problems.append(f"GET {url} as {role}: {code} {response.get('Location', '')}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_new_markers_are_shown_to_those_who_may_read_them(sweep):
    """Positive control for the markers of the later apps: each is on a page of its reader, so
    its absence elsewhere means it was withheld."""
    objects, clients = sweep

    vote = request_as(clients["owner_a"], "GET", f"/surveys/votes/{objects['vote'].pk}/")[1]
    profile = request_as(clients["author"], "GET", reverse("me_profile"))[1]
    signups = request_as(
        clients["service"],
        "GET",
        reverse("activities_staff_signups", args=[objects["activity"].pk]),
    )[1]

    assert "SWEEP-VOTE-加装连廊" in vote
    assert "13800138000" in profile
    assert "138****8000" in signups  # the sign-up is listed, its mobile masked

"""The service desk (呼叫中心): cases opened for a member from a phone call, a walk-in, WeChat or
mail, and the member lookup staff use while on the phone.

A desk case gets a staff-only topic in the complaints or suggestions board, so the whole
exchange stays in one thread; the member hears of it through site notices and mail (the case's
``member``), and finds it under /me/cases/.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards.models import Board, TopicVisibility
from forum.cases import notify
from forum.cases.models import Case, CaseEvent
from forum.cases.services import _require, can_use_service_desk, case_open

SUBJECT_MAX = 100
CONTENT_MAX = 5000
LOOKUP_LIMIT = 20


def member_search(*, query: str) -> QuerySet:
    """Members by mobile number (exact), member number (exact) or name (contains)."""
    query = (query or "").strip()
    users = get_user_model().objects.filter(is_active=True)
    if not query:
        return users.none()
    if query.isdecimal() and len(query) == 11:
        return users.filter(member_profile__mobile=query)
    match = (
        Q(member_profile__member_number__iexact=query)
        | Q(username__iexact=query)
        | Q(member_profile__real_name__icontains=query)
        | Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
    )
    if len(query) < 2:
        match = Q(member_profile__member_number__iexact=query) | Q(username__iexact=query)
    return (
        users.filter(match)
        .select_related("member_profile__level")
        .distinct()
        .order_by("username")[:LOOKUP_LIMIT]
    )


def member_overview(*, member, viewer) -> dict:
    """What the desk sees on one page: level, units, cases, posts, points and redemptions.

    Only what ``viewer`` may read on the boards is named: a case on a topic the viewer may not
    read (a staff-only complaint for another department, an owners' board) is listed without
    its subject (``desk_subject`` is empty), and such posts are left out."""
    from machina.core.loading import get_class

    from forum.boards.selectors import visible_posts_in, visible_topics_in
    from forum.cases.selectors import case_list_for_member
    from portal.members.models import RedemptionRequest, UnitOwnership
    from portal.members.points import points_balances
    from portal.members.selectors import member_ownerships, member_profile_for

    handler = get_class("forum_permission.handler", "PermissionHandler")()
    cases = case_list_for_member(member=member)
    open_cases = list(cases.filter(status__in=Case.OPEN_STATUSES)[:20])
    recent_cases = list(cases.exclude(status__in=Case.OPEN_STATUSES)[:10])
    readable = set(
        visible_topics_in(
            topics=Topic.objects.filter(pk__in=[c.topic_id for c in open_cases + recent_cases]),
            user=viewer,
            permission_handler=handler,
        ).values_list("pk", flat=True)
    )
    for case in open_cases + recent_cases:
        case.desk_subject = case.topic.subject if case.topic_id in readable else ""
    posts = Post.objects.filter(poster=member, approved=True)
    return {
        "member": member,
        "profile": member_profile_for(user=member),
        "units": member_ownerships(member=member).filter(status=UnitOwnership.Status.VERIFIED),
        "open_cases": open_cases,
        "recent_cases": recent_cases,
        "recent_posts": list(
            visible_posts_in(posts=posts, user=viewer, permission_handler=handler)
            .select_related("topic__forum")
            .order_by("-created")[:10]
        ),
        "balances": points_balances(member=member),
        "pending_redemptions": list(
            RedemptionRequest.objects.filter(
                member=member, status=RedemptionRequest.Status.PENDING
            ).select_related("item")
        ),
    }


def _member_project(member):
    from portal.members.models import UnitOwnership

    ownership = (
        UnitOwnership.objects.filter(member=member, status=UnitOwnership.Status.VERIFIED)
        .select_related("project")
        .order_by("pk")
        .first()
    )
    return ownership.project if ownership else None


@transaction.atomic
def case_open_for_member(
    *,
    by,
    member,
    channel: str,
    type: str,
    subject: str,
    content: str,
    project=None,
    unit: str = "",
    contact_way: str = "",
    visit_time: str = "",
) -> Case:
    """Record a call (or walk-in, WeChat, mail) as a case for the member, in a staff-only topic."""
    _require(can_use_service_desk(by))
    if channel not in Case.Channel.values or channel == Case.Channel.FORUM:
        raise ValidationError(_("Choose how the member reached us."))
    if type not in (Case.Type.COMPLAINT, Case.Type.SUGGESTION):
        raise ValidationError(_("Choose complaint or suggestion."))
    subject, content = (subject or "").strip(), (content or "").strip()
    if not subject or not content:
        raise ValidationError(_("Give a subject and what the member said."))
    if len(subject) > SUBJECT_MAX or len(content) > CONTENT_MAX:
        raise ValidationError(
            _("Keep the subject under %(s)d and the text under %(c)d characters.")
            % {"s": SUBJECT_MAX, "c": CONTENT_MAX}
        )
    kind = Board.Kind.COMPLAINTS if type == Case.Type.COMPLAINT else Board.Kind.SUGGESTIONS
    board = Board.objects.filter(kind=kind).select_related("forum").order_by("pk").first()
    if board is None:
        raise ValidationError(_("There is no board for this kind of case."))
    topic = Topic(
        forum=board.forum,
        subject=subject,
        poster=by,
        type=Topic.TOPIC_POST,
        status=Topic.TOPIC_UNLOCKED,
        approved=True,
    )
    topic.save()
    TopicVisibility.objects.create(topic=topic, staff_only=True)
    Post.objects.create(topic=topic, poster=by, subject=subject, content=content, approved=True)
    case = case_open(topic=topic, type=type)
    case.member = member
    case.channel = channel
    case.project = project or _member_project(member) or case.project
    case.unit = unit
    case.contact_way = contact_way
    case.visit_time = visit_time
    case.full_clean()
    case.save()
    CaseEvent.objects.create(
        case=case,
        actor=by,
        kind=CaseEvent.Kind.OPENED,
        note=_("Opened by the service desk for %(member)s") % {"member": member.get_username()},
        data={"channel": channel},
    )
    transaction.on_commit(lambda: notify.member_case_recorded(case=case))
    return case

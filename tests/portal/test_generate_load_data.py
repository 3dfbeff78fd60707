from dataclasses import replace
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from machina.apps.forum.models import Forum
from machina.apps.forum_conversation.models import Post, Topic
from machina.apps.forum_member.models import ForumProfile
from machina.apps.forum_permission.handler import PermissionHandler

from cms.loaddata import MIN_MERCHANTS, MIN_NEWS, OFFERS_PER_MERCHANT
from cms.models import Merchant, NewsPage, OfferPage
from forum.boards.loaddata import LONG_TOPIC_POSTS
from forum.boards.models import Board, TopicVisibility
from forum.cases.models import Case
from forum.rendering import render_post
from forum.visibility import can_see_topic, visible_topics
from portal.loaddata.core import (
    BENCH_STAFF,
    LoadDataError,
    LoadPlan,
    content_fingerprint,
    generate,
    member_username,
)
from portal.members.models import MemberProfile, PointsEntry, RedemptionRequest, UnitOwnership, User

PLAN = LoadPlan(
    members=80, topics=60, posts=400, seed=7, projects=3, until=date(2026, 1, 1), progress=False
)


def quiet(_line):
    """Swallow the generator's progress lines."""


@pytest.fixture
def loaded(db):
    return generate(PLAN, write=quiet)


def snapshot():
    return {
        "fingerprint": content_fingerprint(),
        "users": User.objects.count(),
        "topics": Topic.objects.count(),
        "posts": Post.objects.count(),
        "owners": UnitOwnership.objects.filter(status=UnitOwnership.Status.VERIFIED).count(),
        "cases": Case.objects.count(),
        "private": TopicVisibility.objects.filter(staff_only=True).count(),
        "profiles": MemberProfile.objects.count(),
        "points entries": PointsEntry.objects.count(),
        "redemptions": RedemptionRequest.objects.count(),
        "merchants": Merchant.objects.count(),
        "news": NewsPage.objects.count(),
        "offers": OfferPage.objects.count(),
        "first_subjects": list(
            Topic.objects.order_by("created").values_list("subject", flat=True)[:10]
        ),
    }


def generate_and_roll_back(plan):
    with transaction.atomic():
        generate(plan, write=quiet)
        seen = snapshot()
        transaction.set_rollback(True)
    return seen


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    first = generate_and_roll_back(PLAN)
    again = generate_and_roll_back(PLAN)
    other = generate_and_roll_back(replace(PLAN, seed=8))

    assert first == again
    assert first["posts"] == PLAN.posts
    assert first["topics"] == PLAN.topics
    assert first["profiles"] == PLAN.members + len(BENCH_STAFF)
    assert first["points entries"] > PLAN.members
    assert first["merchants"] == MIN_MERCHANTS
    assert first["news"] == MIN_NEWS
    assert first["offers"] == round(MIN_MERCHANTS * OFFERS_PER_MERCHANT)
    assert other["fingerprint"] != first["fingerprint"]
    assert other["first_subjects"] != first["first_subjects"]


def test_topic_counters_match_the_posts(loaded):
    topics = Topic.objects.annotate(
        approved_posts=Count("posts", filter=Q(posts__approved=True)),
        first_id=Min("posts__id"),
        last_approved_id=Max("posts__id", filter=Q(posts__approved=True)),
        last_approved_on=Max("posts__created", filter=Q(posts__approved=True)),
    )
    assert topics.count() == PLAN.topics
    for topic in topics:
        assert topic.posts_count == topic.approved_posts >= 1
        assert topic.first_post_id == topic.first_id
        assert topic.first_post.created == topic.created
        assert topic.first_post.poster_id == topic.poster_id
        assert topic.last_post_id == topic.last_approved_id
        assert topic.last_post_on == topic.last_approved_on


def test_counters_agree_with_machinas_own_update_trackers(loaded):
    expected = {
        t.pk: (t.posts_count, t.first_post_id, t.last_post_id, t.last_post_on)
        for t in Topic.objects.all()
    }
    forums = {
        f.pk: (f.direct_topics_count, f.direct_posts_count, f.last_post_id, f.last_post_on)
        for f in Forum.objects.all()
    }

    for topic in Topic.objects.all():
        topic.update_trackers()  # machina's per-row recomputation, the reference

    assert {
        t.pk: (t.posts_count, t.first_post_id, t.last_post_id, t.last_post_on)
        for t in Topic.objects.all()
    } == expected
    assert {
        f.pk: (f.direct_topics_count, f.direct_posts_count, f.last_post_id, f.last_post_on)
        for f in Forum.objects.all()
    } == forums


def test_forum_counts_and_member_post_counts_add_up(loaded):
    for forum in Forum.objects.filter(type=Forum.FORUM_POST):
        topics = Topic.objects.filter(forum=forum, approved=True)
        assert forum.direct_topics_count == topics.count()
        assert forum.direct_posts_count == (topics.aggregate(n=Sum("posts_count"))["n"] or 0)
    assert sum(Forum.objects.values_list("direct_posts_count", flat=True)) == (
        Post.objects.filter(approved=True).count()
    )
    per_poster = dict(
        Post.objects.filter(approved=True)
        .values("poster")
        .annotate(n=Count("id"))
        .values_list("poster", "n")
    )
    assert dict(ForumProfile.objects.values_list("user", "posts_count")) == per_poster


def test_a_public_topic_is_long_enough_for_the_topic_page_benchmark(loaded):
    assert Topic.objects.filter(
        forum__board__kind=Board.Kind.MUTUAL_HELP, posts_count__gte=LONG_TOPIC_POSTS - 1
    ).exists()


def test_posts_are_stored_rendered_as_forum_rendering_renders_them(loaded):
    for post in Post.objects.order_by("?")[:50]:
        assert post._content_rendered == render_post(post.content.raw)
        assert "<p>" in post._content_rendered


def test_verified_owners_are_in_their_projects_owners_group_and_pending_ones_are_not(loaded):
    ownerships = UnitOwnership.objects.select_related("project", "member")
    verified = ownerships.filter(status=UnitOwnership.Status.VERIFIED)
    pending = ownerships.filter(status=UnitOwnership.Status.PENDING)
    assert verified.exists()
    for ownership in verified:
        assert ownership.member.groups.filter(pk=ownership.project.owners_group_id).exists()
    for ownership in pending:
        still_owner = verified.filter(member=ownership.member, project=ownership.project)
        in_group = ownership.member.groups.filter(pk=ownership.project.owners_group_id)
        assert in_group.exists() == still_owner.exists()


def test_owners_board_topics_are_written_by_that_projects_owners(loaded):
    for topic in Topic.objects.filter(forum__board__kind=Board.Kind.OWNERS).select_related(
        "forum__board__project"
    ):
        group = topic.forum.board.project.owners_group
        assert topic.poster.groups.filter(pk=group.pk).exists()


def test_members_post_after_joining_and_owners_after_their_verification(loaded):
    assert not Post.objects.filter(created__lt=F("poster__date_joined")).exists()
    verified = {
        (o.member_id, o.project_id): o.decided_at
        for o in UnitOwnership.objects.filter(status=UnitOwnership.Status.VERIFIED)
    }
    owners_posts = Post.objects.filter(topic__forum__board__kind=Board.Kind.OWNERS)
    assert owners_posts.exists()
    for post in owners_posts.select_related("topic__forum__board"):
        decided = verified[(post.poster_id, post.topic.forum.board.project_id)]
        assert decided < post.created
    for ownership in UnitOwnership.objects.select_related("member"):
        assert ownership.member.date_joined <= ownership.created_at
        if ownership.decided_at:
            assert ownership.created_at < ownership.decided_at


def test_private_complaints_are_hidden_from_other_members_but_not_their_author(loaded):
    private = Topic.objects.filter(visibility__staff_only=True).select_related("forum")
    assert private.exists()
    assert {t.forum.board.kind for t in private} == {Board.Kind.COMPLAINTS}
    topic = private.first()
    author = topic.poster
    stranger = User.objects.filter(username__startswith="m").exclude(pk=author.pk).first()
    moderator = User.objects.get(username="bench_moderator")
    handler = PermissionHandler()

    assert not can_see_topic(user=stranger, topic=topic, permission_handler=handler)
    assert not visible_topics(user=stranger, permission_handler=handler).filter(pk=topic.pk)
    assert can_see_topic(user=author, topic=topic, permission_handler=handler)
    assert can_see_topic(user=moderator, topic=topic, permission_handler=handler)


def test_every_complaint_and_suggestion_has_a_case_most_routed(loaded):
    triage = Topic.objects.filter(
        forum__board__kind__in=[Board.Kind.COMPLAINTS, Board.Kind.SUGGESTIONS]
    )
    assert triage.exists()
    assert set(Case.objects.values_list("topic", flat=True)) == set(
        triage.values_list("pk", flat=True)
    )
    routed = Case.objects.filter(department__isnull=False)
    assert routed.exists()
    assert Case.objects.filter(department__isnull=True).exists()
    assert {c.department.code for c in routed} <= {"design", "engineering", "property"}
    assert set(Case.objects.filter(department__isnull=True).values_list("status", flat=True)) == {
        Case.Status.NEW
    }
    assert len(set(routed.values_list("status", flat=True))) >= 3
    for case in Case.objects.filter(status__in=[Case.Status.RESOLVED, Case.Status.CLOSED]):
        assert case.created_at < case.first_response_at <= case.resolved_at
    assert set(
        Case.objects.filter(topic__forum__board__kind=Board.Kind.SUGGESTIONS).values_list(
            "type", flat=True
        )
    ) == {Case.Type.SUGGESTION}


def test_generated_members_log_in_with_the_bench_password(loaded, client):
    assert client.login(username=member_username(0), password=PLAN.password)
    assert client.login(username="bench_moderator", password=PLAN.password)
    assert User.objects.get(username=member_username(0)).emailaddress_set.get().verified
    assert User.objects.filter(username__startswith="m0").count() == PLAN.members


def test_a_second_run_into_the_same_database_is_refused(loaded):
    with pytest.raises(LoadDataError):
        generate(PLAN, write=quiet)


def test_fewer_posts_than_topics_is_refused(db):
    with pytest.raises(LoadDataError):
        generate(replace(PLAN, posts=PLAN.topics - 1), write=quiet)
    assert not User.objects.filter(username=member_username(0)).exists()


@pytest.mark.django_db
def test_command_reports_what_it_made():
    out = StringIO()
    call_command(
        "generate_load_data",
        "--members=30",
        "--topics=20",
        "--posts=90",
        "--seed=3",
        "--until=2026-01-01",
        "--no-progress",
        stdout=out,
    )

    assert "members: 30" in out.getvalue()
    assert "posts: 90" in out.getvalue()
    assert "posts: done in" in out.getvalue()
    assert "posts/s" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("generate_load_data", "--members=30", "--no-progress", stdout=StringIO())


def test_ledgers_are_booked_on_plan_lines_and_requests_have_a_fulfilment(loaded):
    from portal.rewards.models import Fulfilment, PlanEntry, PlanLine

    reward_entries = PointsEntry.objects.filter(ledger="reward").count()
    assert PlanEntry.objects.count() == reward_entries > 0
    assert not PlanEntry.objects.filter(line__isnull=True).exists()
    for line in PlanLine.objects.all():
        booked = PlanEntry.objects.filter(line=line, kind__in=["issued", "reversed"]).aggregate(
            s=Sum("amount")
        )["s"]
        assert line.issued == (booked or 0) <= line.budget
    assert Fulfilment.objects.count() == RedemptionRequest.objects.count()

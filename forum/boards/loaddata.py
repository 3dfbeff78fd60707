"""The forum's load step: boards, departments, housing projects with their owners' boards and
the bench staff (``structure``), topics and posts over the boards, machina's counters, private
complaints. Runs from ``portal.loaddata.core.LOAD_STEPS``; see that module for the contract."""

import random
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import connection
from django.utils.text import slugify
from machina.apps.forum.models import Forum
from machina.apps.forum_conversation.models import Post, Topic
from machina.apps.forum_member.models import ForumProfile

from forum.boards.models import Board, TopicVisibility
from forum.boards.services import board_skeleton_ensure, moderators_group_ensure
from forum.cases.models import Department
from forum.permissions import forum_permissions_changed
from portal.loaddata import text as loadtext
from portal.loaddata.core import (
    BENCH_STAFF,
    DAY,
    EMAIL_DOMAIN,
    HISTORY_DAYS,
    LoadContext,
    LoadDataError,
    next_id,
    reset_sequences,
    timestamp,
)
from portal.members.loaddata import CLAIM_DAYS
from portal.members.models import User
from portal.members.services import housing_project_ensure

UNAPPROVED_REPLY_SHARE = 0.005
PRIVATE_COMPLAINT_SHARE = 0.25
# The benchmark's topic page needs a public topic with at least this many posts.
LONG_TOPIC_POSTS = 24
DEPARTMENTS = (
    # code, name, staff group (the demo's names, so demo and load data share them)
    ("design", "设计部", "部门：设计部"),
    ("engineering", "工程部", "部门：工程部"),
    ("property", "物业服务中心", "部门：物业服务中心"),
)
BOARD_WEIGHTS = {
    # share of topics per public board kind; owners' boards share OWNERS_BOARDS_WEIGHT
    Board.Kind.MUTUAL_HELP: 25,
    Board.Kind.COMPLAINTS: 14,
    Board.Kind.SUGGESTIONS: 8,
    Board.Kind.OFFERS: 6,
    Board.Kind.COMMUNITY: 17,
}
OWNERS_BOARDS_WEIGHT = 30


def structure(ctx: LoadContext) -> None:
    """Boards, departments, housing projects with their owners' boards, the bench staff."""
    rng = ctx.rng("structure")
    ctx.boards = board_skeleton_ensure()
    for code, name, group_name in DEPARTMENTS:
        department = Department.objects.filter(code=code).first()
        if department is None:
            department = Department(
                code=code, name=name, staff_group=Group.objects.get_or_create(name=group_name)[0]
            )
            department.full_clean()
            department.save()
        ctx.departments[code] = department
    for i, (name, city) in enumerate(loadtext.project_names(rng, ctx.plan.project_count())):
        project = housing_project_ensure(
            name=name, city=city, phases=rng.randint(1, 4), slug=f"load-{i + 1:04d}"
        )
        ctx.projects.append(project)
        ctx.owners_boards.append(Board.objects.get(project=project))
    moderators = moderators_group_ensure()
    for username, display_name, superuser, moderator, department in BENCH_STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                email=f"{username}@{EMAIL_DOMAIN}",
                display_name=display_name,
                password=ctx.password_hash,
                is_superuser=superuser,
                is_staff=superuser,
            )
            user.full_clean()
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if moderator:
            user.groups.add(moderators)
        if department:
            user.groups.add(ctx.departments[department].staff_group)
        ctx.staff[username] = user
    ctx.pools = [loadtext.ThemePool(theme, rng) for theme in loadtext.THEMES]
    ctx.counts["housing projects"] = len(ctx.projects)


def _active_member(rng: random.Random, ctx: LoadContext, at: float) -> int:
    """A member who had joined by ``at``, skewed towards the first ones (members are numbered
    in the order they joined): a few long-standing members write most posts."""
    joined = max(1, bisect_right(ctx.joined, at))
    return ctx.member_ids[int(joined * rng.random() ** 2.5)]


def _owner(rng: random.Random, ctx: LoadContext, project: int, at: float) -> int:
    """An owner of the project verified by ``at`` (verified within CLAIM_DAYS of joining)."""
    owners_ = ctx.owners_by_project[project]
    last = ctx.member_ids.start + bisect_right(ctx.joined, at - CLAIM_DAYS * DAY) - 1
    return owners_[rng.randrange(max(1, bisect_right(owners_, last)))]


def topics(ctx: LoadContext) -> None:
    """Topics over the boards (owners' boards by their owners), in order of creation."""
    # The owners' group memberships were copied in without signals: board permissions kept
    # from an earlier database in the same cache must not be used.
    forum_permissions_changed()
    rng = ctx.rng("topics")
    count = ctx.plan.topics
    boards, weights = [], []
    for kind, weight in BOARD_WEIGHTS.items():
        boards.append((ctx.boards[kind], None))
        weights.append(weight)
    populated = [i for i, owners_ in enumerate(ctx.owners_by_project) if owners_]
    for index in populated:
        boards.append((ctx.owners_boards[index], index))
        weights.append(OWNERS_BOARDS_WEIGHT / len(populated))
    cum = list(accumulate(weights))
    themes_by_kind = {}
    for t, theme in enumerate(loadtext.THEMES):
        for kind in theme.board_kinds:
            themes_by_kind.setdefault(kind, []).append(t)
    end = ctx.plan.end().timestamp()
    start = end - HISTORY_DAYS * 86400
    drafts = []
    for board, project_index in rng.choices(boards, cum_weights=cum, k=count):
        theme = rng.choice(themes_by_kind[board.kind])
        at = rng.uniform(start, end)
        if project_index is None:
            poster = _active_member(rng, ctx, at)
        else:
            poster = _owner(rng, ctx, project_index, at)
        drafts.append((at, board.forum_id, poster, theme, ctx.pools[theme].subject(rng)))
    drafts.sort()
    rows = ctx.topics
    first = next_id(Topic)
    for n, (created, forum_id, poster, theme, subject) in enumerate(drafts):
        rows.ids.append(first + n)
        rows.forum_ids.append(forum_id)
        rows.poster_ids.append(poster)
        rows.created.append(created)
        rows.themes.append(theme)
        rows.subjects.append(subject)

    def topic_rows():
        for n in range(len(drafts)):
            created = timestamp(rows.created[n])
            subject = rows.subjects[n]
            yield (
                rows.ids[n],
                rows.forum_ids[n],
                rows.poster_ids[n],
                subject,
                slugify(subject, allow_unicode=True) or "topic",
                Topic.TOPIC_POST,
                Topic.TOPIC_UNLOCKED,
                True,
                rng.randint(0, 500),
                created,
                created,
            )

    fields = [
        "id", "forum", "poster", "subject", "slug", "type", "status", "approved", "views_count",
        "created", "updated",
    ]  # fmt: skip
    with ctx.progress(count, "topics") as bar:
        ctx.writer(Topic, fields).write(topic_rows(), bar)
    reset_sequences(Topic)
    ctx.counts["topics"] = count


def posts(ctx: LoadContext) -> None:
    """Each topic's first post and replies, heavy-tailed per topic, inserted in time order."""
    rng = ctx.rng("posts")
    rows = ctx.topics
    topic_count = len(rows.ids)
    replies = ctx.plan.posts - topic_count
    if topic_count == 0 or replies < 0:
        raise LoadDataError("--posts must be at least --topics, and --topics at least 1.")
    end = ctx.plan.end().timestamp()
    per_topic = array("l", [0]) * topic_count
    # One public topic long enough for the benchmark's topic page.
    mutual_help = ctx.boards[Board.Kind.MUTUAL_HELP].forum_id
    long_topic = next((n for n in range(topic_count) if rows.forum_ids[n] == mutual_help), 0)
    reserved = min(replies, LONG_TOPIC_POSTS - 1)
    per_topic[long_topic] += reserved
    popularity = list(accumulate(min(rng.paretovariate(1.5), 300.0) for _ in range(topic_count)))
    for n in rng.choices(range(topic_count), cum_weights=popularity, k=replies - reserved):
        per_topic[n] += 1
    # Every post's time and topic; replies follow their topic at exponential gaps.
    stamps, owners_of = array("d"), array("l")
    for n in range(topic_count):
        t = rows.created[n]
        stamps.append(t)
        owners_of.append(n)
        for _ in range(per_topic[n]):
            t += rng.expovariate(1 / 21600)
            if t >= end:
                t = end - rng.random() * (end - rows.created[n])
            stamps.append(t)
            owners_of.append(n)
    order = sorted(range(len(stamps)), key=stamps.__getitem__)
    project_of_forum = {b.forum_id: i for i, b in enumerate(ctx.owners_boards)}
    first = next_id(Post)
    started = array("b", [0]) * topic_count
    pools = ctx.pools

    def post_rows():
        for n, k in enumerate(order):
            topic = owners_of[k]
            created = timestamp(stamps[k])
            subject = rows.subjects[topic]
            pool = pools[rows.themes[topic]]
            if not started[topic]:
                started[topic] = 1
                poster, content, approved = rows.poster_ids[topic], pool.opening(rng), True
            else:
                project = project_of_forum.get(rows.forum_ids[topic])
                if project is None:
                    poster = _active_member(rng, ctx, stamps[k])
                else:
                    poster = _owner(rng, ctx, project, stamps[k])
                subject = f"Re: {subject}"
                content = pool.reply(rng)
                approved = rng.random() >= UNAPPROVED_REPLY_SHARE
            yield (
                first + n,
                rows.ids[topic],
                poster,
                subject,
                content,
                loadtext.render_paragraphs(content),
                approved,
                created,
                created,
            )

    fields = [
        "id", "topic", "poster", "subject", "content", "_content_rendered", "approved",
        "created", "updated",
    ]  # fmt: skip
    with ctx.progress(len(order), "posts") as bar:
        ctx.writer(Post, fields).write(post_rows(), bar)
    reset_sequences(Post)
    ctx.counts["posts"] = len(order)


def forum_counters(ctx: LoadContext) -> None:
    """machina's denormalised counters, recomputed for every topic, forum and poster at once.

    Post ids grow with their creation time (posts are inserted in time order), so the first
    post is the lowest id and the last approved post the highest approved id, as machina's
    update_trackers would find them by date.
    """
    qn = connection.ops.quote_name
    topic, post, forum = Topic._meta.db_table, Post._meta.db_table, Forum._meta.db_table
    profile = ForumProfile._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {qn(topic)} SET
                posts_count = s.approved_count,
                first_post_id = s.first_id,
                last_post_id = s.last_id,
                last_post_on = s.last_on
            FROM (
                SELECT topic_id,
                    SUM(CASE WHEN approved THEN 1 ELSE 0 END) AS approved_count,
                    MIN(id) AS first_id,
                    MAX(CASE WHEN approved THEN id END) AS last_id,
                    MAX(CASE WHEN approved THEN created END) AS last_on
                FROM {qn(post)} GROUP BY topic_id
            ) AS s
            WHERE {qn(topic)}.id = s.topic_id
            """
        )
        cursor.execute(
            f"""
            UPDATE {qn(forum)} SET
                direct_topics_count = s.topics_count,
                direct_posts_count = s.posts_count,
                last_post_id = s.last_id,
                last_post_on = s.last_on
            FROM (
                SELECT forum_id, COUNT(*) AS topics_count, SUM(posts_count) AS posts_count,
                    MAX(last_post_id) AS last_id, MAX(last_post_on) AS last_on
                FROM {qn(topic)} WHERE approved GROUP BY forum_id
            ) AS s
            WHERE {qn(forum)}.id = s.forum_id
            """
        )
        cursor.execute(
            f"SELECT poster_id, COUNT(*) FROM {qn(post)} WHERE approved AND poster_id IS NOT NULL "
            f"AND poster_id NOT IN (SELECT user_id FROM {qn(profile)}) GROUP BY poster_id "
            "ORDER BY poster_id"
        )
        missing = cursor.fetchall()
        cursor.execute(
            f"""
            UPDATE {qn(profile)} SET posts_count = s.posts_count
            FROM (
                SELECT poster_id, COUNT(*) AS posts_count FROM {qn(post)}
                WHERE approved GROUP BY poster_id
            ) AS s
            WHERE {qn(profile)}.user_id = s.poster_id
            """
        )
    first = next_id(ForumProfile)
    rows = ((first + n, user_id, count) for n, (user_id, count) in enumerate(missing))
    with ctx.progress(len(missing), "forum profiles") as bar:
        ctx.writer(ForumProfile, ["id", "user", "posts_count"]).write(rows, bar)
    reset_sequences(ForumProfile)
    ctx.counts["forum profiles created"] = len(missing)


def triage_topics(ctx: LoadContext, kinds) -> list[int]:
    forum_ids = {ctx.boards[kind].forum_id for kind in kinds}
    return [n for n in range(len(ctx.topics.ids)) if ctx.topics.forum_ids[n] in forum_ids]


def private_complaints(ctx: LoadContext) -> None:
    """A share of complaints visible to staff only (仅工作人员可见)."""
    rng = ctx.rng("private_complaints")
    chosen = [
        n
        for n in triage_topics(ctx, [Board.Kind.COMPLAINTS])
        if rng.random() < PRIVATE_COMPLAINT_SHARE
    ]
    first = next_id(TopicVisibility)
    rows = ((first + i, ctx.topics.ids[n], True) for i, n in enumerate(chosen))
    with ctx.progress(len(chosen), "private complaints") as bar:
        ctx.writer(TopicVisibility, ["id", "topic", "staff_only"]).write(rows, bar)
    reset_sequences(TopicVisibility)
    ctx.counts["private complaints"] = len(chosen)


def forum_rows() -> Iterable[tuple]:
    yield from (
        Topic.objects.order_by("created", "subject")
        .values_list("forum__name", "poster__username", "subject", "created", "posts_count")
        .iterator()
    )
    yield from (
        Post.objects.order_by("created", "id")
        .values_list("topic__subject", "poster__username", "content", "approved", "created")
        .iterator()
    )

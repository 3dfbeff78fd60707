"""Load data at club scale for benchmarks: members, owners, boards, topics, posts, cases; with
``portal.loadprofiles`` profiles, points and levels, with ``cms.loaddata`` merchants, news, offers.

``generate(plan)`` runs the steps named in ``LOAD_STEPS`` in order, each a function taking the
shared ``LoadContext``. A step draws its randomness from ``ctx.rng(<its name>)``, a generator
seeded with the plan's seed and the step's name, so the data is the same for the same seed and
adding a step never changes what the others produce.

Extension point: an area whose models land later adds a ``loaddata.py`` of its own (as ``cms``
did) with a step function ``def step(ctx: LoadContext) -> None`` and appends its dotted path to
``LOAD_STEPS``, and a function yielding its rows by natural keys to ``FINGERPRINT_ROWS``. What
earlier steps made is in ``ctx`` (``ctx.member_ids``, ``ctx.joined``, ``ctx.topics``,
``ctx.boards``, ``ctx.departments``, ``ctx.staff`` …); write with ``ctx.writer(Model, fields)``
(COPY on PostgreSQL) and recompute denormalised counters with set-based UPDATEs, never per-row
``save()``.

Rows are written with explicit primary keys (after the current maximum) in bulk, so no signal
fires: no search indexing, no case routing, no mail. That is the point for a load generator;
``search_reindex`` builds the index afterwards. The generator expects a database that no one else
writes to while it runs, and refuses to run twice into the same database.
"""

import hashlib
import random
import time
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import accumulate

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils.module_loading import import_string
from django.utils.text import slugify
from machina.apps.forum.models import Forum
from machina.apps.forum_conversation.models import Post, Topic
from machina.apps.forum_member.models import ForumProfile
from tqdm import tqdm

from forum.boards.models import Board, TopicVisibility
from forum.boards.services import board_skeleton_ensure, moderators_group_ensure
from forum.cases.models import Case, Department
from portal import loadtext
from portal.models import UnitOwnership, User
from portal.services import housing_project_ensure

LOAD_STEPS = (
    "portal.loaddata.structure",
    "portal.loaddata.members",
    "portal.loaddata.owners",
    "portal.loaddata.topics",
    "portal.loaddata.posts",
    "portal.loaddata.forum_counters",
    "portal.loaddata.private_complaints",
    "portal.loaddata.cases",
    "portal.loadprofiles.profiles",
    "portal.loadprofiles.points",
    "cms.loaddata.content",
)
# What content_fingerprint hashes: functions yielding each area's generated rows by natural
# keys (never primary keys), so equal seeds give equal hashes whatever the ids.
FINGERPRINT_ROWS = (
    "portal.loaddata.forum_rows",
    "portal.loadprofiles.fingerprint_rows",
    "cms.loaddata.fingerprint_rows",
)

USERNAME_PREFIX = "m"
EMAIL_DOMAIN = "load.kehuhui.example"
DEFAULT_PASSWORD = "bench12345"
HISTORY_DAYS = 3 * 365
OWNER_SHARE = 0.4
PENDING_CLAIM_SHARE = 0.03
UNAPPROVED_REPLY_SHARE = 0.005
PRIVATE_COMPLAINT_SHARE = 0.25
ROUTED_CASE_SHARE = 0.7
DAY = 86400.0
CLAIM_DAYS = 3  # owners claim their unit on joining and are verified within this many days
# The benchmark's topic page needs a public topic with at least this many posts.
LONG_TOPIC_POSTS = 24

DEPARTMENTS = (
    # code, name, staff group (the demo's names, so demo and load data share them)
    ("design", "设计部", "部门：设计部"),
    ("engineering", "工程部", "部门：工程部"),
    ("property", "物业服务中心", "部门：物业服务中心"),
)
# Accounts the benchmark logs in as, beside the members m0000001 …
BENCH_STAFF = (
    # username, display name, superuser, forum moderator, department code
    ("bench_admin", "压测管理员", True, False, None),
    ("bench_moderator", "压测客服", False, True, None),
    ("bench_engineering", "压测工程部", False, False, "engineering"),
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


class LoadDataError(Exception):
    pass


@dataclass(frozen=True)
class LoadPlan:
    members: int
    topics: int
    posts: int
    seed: int = 1
    projects: int = 0  # 0: one per 2,000 members, at least 3
    batch_size: int = 5000
    password: str = DEFAULT_PASSWORD
    until: date | None = None  # content ends here; today when None
    progress: bool = True

    def project_count(self) -> int:
        return self.projects or max(3, min(500, self.members // 2000))

    def end(self) -> datetime:
        day = self.until or datetime.now(UTC).date()
        return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass
class TopicRows:
    """What later steps need to know of the generated topics, index-aligned, ordered by time."""

    ids: array = field(default_factory=lambda: array("q"))
    forum_ids: array = field(default_factory=lambda: array("q"))
    poster_ids: array = field(default_factory=lambda: array("q"))
    created: array = field(default_factory=lambda: array("d"))
    themes: array = field(default_factory=lambda: array("h"))
    subjects: list[str] = field(default_factory=list)


@dataclass
class LoadContext:
    plan: LoadPlan
    write: Callable[[str], None] = print
    password_hash: str = ""
    boards: dict = field(default_factory=dict)  # Board.Kind -> Board (public boards)
    projects: list = field(default_factory=list)  # HousingProject, index-aligned with:
    owners_boards: list = field(default_factory=list)
    departments: dict = field(default_factory=dict)  # code -> Department
    staff: dict = field(default_factory=dict)  # username -> User
    member_ids: range = range(0)
    joined: array = field(default_factory=lambda: array("d"))  # date_joined, as member_ids
    profile_complete: bytearray = field(default_factory=bytearray)  # 1: earns profile_completed
    owners_by_project: list = field(default_factory=list)  # list[array of user ids]
    topics: TopicRows = field(default_factory=TopicRows)
    pools: list = field(default_factory=list)  # ThemePool, index-aligned with loadtext.THEMES
    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.plan.seed}:{name}")

    def progress(self, total: int, desc: str):
        return tqdm(total=total, desc=desc, unit=" rows", disable=not self.plan.progress)

    def writer(self, model, fields: list[str]) -> "BulkWriter":
        return BulkWriter(model, fields, batch_size=self.plan.batch_size)


class BulkWriter:
    """Insert rows into a model's table: COPY on PostgreSQL, batched INSERTs elsewhere.

    ``fields`` are the model fields each row supplies, in order (with the primary key); every
    other concrete field of the model's own table gets its model default, so fields added later
    by other apps do not break the generator as long as they have a default or allow NULL.

    A model with multi-table inheritance (a Wagtail page type) is written in two passes, one
    writer per table: ``writer(Page, [...])`` for the parent's columns, then
    ``writer(NewsPage, ["page_ptr", ...])`` for the child's own columns with the same keys.
    JSON columns (``JSONField``, Wagtail's ``StreamField``) take Python lists and dicts.
    """

    def __init__(self, model, fields: list[str], *, batch_size: int):
        meta = model._meta
        given = [meta.get_field(name) for name in fields]
        given_names = {f.name for f in given}
        extra = [f for f in meta.local_concrete_fields if f.name not in given_names]
        self.table = meta.db_table
        self.fields = given + extra
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
        self.batch_size = batch_size
        self.postgres = connection.vendor == "postgresql"
        # COPY takes most values as they are; JSON needs the backend's adapter (Jsonb).
        self.json_positions = tuple(
            i for i, f in enumerate(given) if f.db_type(connection) in ("jsonb", "json")
        )
        self.written = 0

    def write(self, rows: Iterable[tuple], progress=None) -> int:
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in self.fields)
        defaults = self.defaults
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {qn(self.table)} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        if self.json_positions:
                            row = self._prepare_json(row)
                        copy.write_row(row + defaults)
                        self.written += 1
                        if progress is not None and self.written % self.batch_size == 0:
                            progress.update(self.batch_size)
            else:
                placeholders = ", ".join(["%s"] * len(self.fields))
                sql = f"INSERT INTO {qn(self.table)} ({columns}) VALUES ({placeholders})"
                batch = []
                for row in rows:
                    batch.append(self._prepare(row) + defaults)
                    if len(batch) >= self.batch_size:
                        self._flush(cursor, sql, batch, progress)
                self._flush(cursor, sql, batch, progress)
        if progress is not None and progress.total:
            progress.update(max(0, progress.total - progress.n))
        return self.written

    def _prepare_json(self, row: tuple) -> tuple:
        values = list(row)
        for i in self.json_positions:
            values[i] = self.fields[i].get_db_prep_save(values[i], connection)
        return tuple(values)

    def _prepare(self, row: tuple) -> tuple:
        fields = self.fields[: len(row)]
        return tuple(f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True))

    def _flush(self, cursor, sql, batch, progress):
        if batch:
            cursor.executemany(sql, batch)
            self.written += len(batch)
            if progress is not None:
                progress.update(len(batch))
            batch.clear()


def next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(*models) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def analyze(*models) -> None:
    """Give PostgreSQL's planner statistics of tables just filled, before a set-based UPDATE
    reads them: without, it plans for empty tables (a nested loop over an aggregate)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def member_username(index: int) -> str:
    """The username of the index-th generated member (0-based): m0000001, m0000002, …"""
    return f"{USERNAME_PREFIX}{index + 1:07d}"


def _timestamp(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC)


# --- Steps --------------------------------------------------------------------------------


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


def members(ctx: LoadContext) -> None:
    """Members m0000001 … with Chinese display names, one shared password, verified email."""
    rng = ctx.rng("members")
    count = ctx.plan.members
    first_id = next_id(User)
    ctx.member_ids = range(first_id, first_id + count)
    end = ctx.plan.end().timestamp()
    start = end - 5 * 365 * 86400
    joined = sorted(rng.uniform(start, end) for _ in range(count))
    ctx.joined = array("d", joined)

    def user_rows():
        for n, user_id in enumerate(ctx.member_ids):
            username = member_username(n)
            yield (
                user_id,
                username,
                f"{username}@{EMAIL_DOMAIN}",
                loadtext.person_name(rng),
                ctx.password_hash,
                _timestamp(joined[n]),
                True,
            )

    fields = ["id", "username", "email", "display_name", "password", "date_joined", "is_active"]
    with ctx.progress(count, "members") as bar:
        ctx.writer(User, fields).write(user_rows(), bar)
    first_email = next_id(EmailAddress)
    emails = (
        (first_email + n, user_id, f"{member_username(n)}@{EMAIL_DOMAIN}", True, True)
        for n, user_id in enumerate(ctx.member_ids)
    )
    with ctx.progress(count, "email addresses") as bar:
        ctx.writer(EmailAddress, ["id", "user", "email", "verified", "primary"]).write(emails, bar)
    reset_sequences(User, EmailAddress)
    ctx.counts["members"] = count


def owners(ctx: LoadContext) -> None:
    """Verified unit ownerships (and owners' group membership) for a share of members."""
    rng = ctx.rng("owners")
    projects = ctx.projects
    # Projects differ in size: a few large, many small.
    cum = list(accumulate(1.0 / (rank + 1) ** 0.6 for rank in range(len(projects))))
    ctx.owners_by_project = [array("q") for _ in projects]
    decided_by = ctx.staff["bench_admin"].pk
    end = ctx.plan.end().timestamp()
    claims, memberships = [], set()
    for n, user_id in enumerate(ctx.member_ids):
        if rng.random() >= OWNER_SHARE:
            continue
        owned = {rng.choices(range(len(projects)), cum_weights=cum)[0]}
        if rng.random() < 0.1:
            owned.add(rng.choices(range(len(projects)), cum_weights=cum)[0])
        joined = ctx.joined[n]
        for index in sorted(owned):
            pending = rng.random() < PENDING_CLAIM_SHARE
            building, unit = rng.choice(loadtext.SLOTS["b"]), rng.choice(loadtext.SLOTS["u"])
            if pending:  # claimed in the last two weeks, still in the verifiers' queue
                claimed, decided = max(joined, end - rng.uniform(0, 14) * DAY), None
            else:  # owners claim on joining and are verified within CLAIM_DAYS
                claimed = joined + rng.uniform(0.1, CLAIM_DAYS - 1) * DAY
                decided = _timestamp(min(claimed + rng.uniform(0.1, 1) * DAY, end - 60))
            claims.append(
                (
                    user_id,
                    index,
                    building,
                    unit,
                    pending,
                    _timestamp(min(claimed, end - 120)),
                    decided,
                )
            )
            if not pending:
                ctx.owners_by_project[index].append(user_id)
                memberships.add((user_id, projects[index].owners_group_id))
    first = next_id(UnitOwnership)
    rows = (
        (
            first + n,
            user_id,
            projects[index].pk,
            building,
            unit,
            UnitOwnership.Status.PENDING if pending else UnitOwnership.Status.VERIFIED,
            None if pending else decided_by,
            decided,
            claimed,
        )
        for n, (user_id, index, building, unit, pending, claimed, decided) in enumerate(claims)
    )
    fields = [
        "id", "member", "project", "building", "unit", "status", "decided_by", "decided_at",
        "created_at",
    ]  # fmt: skip
    with ctx.progress(len(claims), "unit ownerships") as bar:
        ctx.writer(UnitOwnership, fields).write(rows, bar)
    through = User.groups.through
    first = next_id(through)
    rows = ((first + n, u, g) for n, (u, g) in enumerate(sorted(memberships)))
    with ctx.progress(len(memberships), "owners' group memberships") as bar:
        ctx.writer(through, ["id", "user", "group"]).write(rows, bar)
    reset_sequences(UnitOwnership, through)
    ctx.counts["verified owners"] = len({u for u, _g in memberships})


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
            created = _timestamp(rows.created[n])
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
            created = _timestamp(stamps[k])
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


def _triage_topics(ctx: LoadContext, kinds) -> list[int]:
    forum_ids = {ctx.boards[kind].forum_id for kind in kinds}
    return [n for n in range(len(ctx.topics.ids)) if ctx.topics.forum_ids[n] in forum_ids]


def private_complaints(ctx: LoadContext) -> None:
    """A share of complaints visible to staff only (仅工作人员可见)."""
    rng = ctx.rng("private_complaints")
    chosen = [
        n
        for n in _triage_topics(ctx, [Board.Kind.COMPLAINTS])
        if rng.random() < PRIVATE_COMPLAINT_SHARE
    ]
    first = next_id(TopicVisibility)
    rows = ((first + i, ctx.topics.ids[n], True) for i, n in enumerate(chosen))
    with ctx.progress(len(chosen), "private complaints") as bar:
        ctx.writer(TopicVisibility, ["id", "topic", "staff_only"]).write(rows, bar)
    reset_sequences(TopicVisibility)
    ctx.counts["private complaints"] = len(chosen)


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
        for n in _triage_topics(ctx, [kind]):
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
                    _timestamp(created),
                    _timestamp(created + rng.uniform(1, 30) * hour if answered else created),
                    _timestamp(created + 24 * hour),
                    _timestamp(created + 7 * 24 * hour),
                    _timestamp(created + rng.uniform(1, 30) * hour) if answered else None,
                    _timestamp(created + rng.uniform(30, 240) * hour) if done else None,
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


# --- Running ------------------------------------------------------------------------------


def generate(plan: LoadPlan, *, write: Callable[[str], None] = print, steps=LOAD_STEPS):
    """Run the load steps in order, each in its own transaction; returns the context."""
    if plan.members < 1 or plan.topics < 1 or plan.posts < plan.topics:
        raise LoadDataError("Need at least one member and one topic, and --posts ≥ --topics.")
    if User.objects.filter(username=member_username(0)).exists():
        raise LoadDataError("Load data is already present here; generate into a fresh database.")
    ctx = LoadContext(plan=plan, write=write, password_hash=make_password(plan.password))
    for path in steps:
        step = import_string(path)
        started = time.perf_counter()
        with transaction.atomic():
            step(ctx)
        name = path.rsplit(".", 1)[-1]
        ctx.seconds[name] = time.perf_counter() - started
        write(f"{name}: done in {ctx.seconds[name]:.1f} s")
    started = time.perf_counter()
    statistics_refresh()
    ctx.seconds["analyze"] = time.perf_counter() - started
    return ctx


def statistics_refresh() -> None:
    """Refresh the planner's statistics, so a benchmark started right after the load does not
    run on plans made for empty tables (autovacuum would get there, but later)."""
    if connection.vendor == "postgresql":
        # VACUUM too, as autovacuum would soon: it sets the visibility map, without which
        # counts (the triage queue's open cases) cannot be answered from an index alone.
        # VACUUM cannot run in a transaction (a test's): ANALYZE alone there.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def content_fingerprint() -> str:
    """A hash of the generated content by natural keys, independent of primary keys."""
    digest = hashlib.sha256()
    for path in FINGERPRINT_ROWS:
        for row in import_string(path)():
            digest.update(repr(row).encode())
    return digest.hexdigest()


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

"""Load data at club scale for benchmarks: members, owners, profiles, points and levels
(``portal.members.loaddata``), boards, topics and posts (``forum.boards.loaddata``), cases
(``forum.cases.loaddata``), merchants, news and offers (``cms.loaddata``), activities with
sign-ups and attendance (``portal.activities.loaddata``).

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils.module_loading import import_string
from tqdm import tqdm

LOAD_STEPS = (
    "forum.boards.loaddata.structure",
    "portal.members.loaddata.members",
    "portal.members.loaddata.owners",
    "forum.boards.loaddata.topics",
    "forum.boards.loaddata.posts",
    "forum.boards.loaddata.forum_counters",
    "forum.boards.loaddata.private_complaints",
    "forum.cases.loaddata.cases",
    "portal.members.loaddata.profiles",
    "portal.members.loaddata.points",
    "portal.rewards.loaddata.plan",
    "cms.loaddata.content",
    "portal.activities.loaddata.activities",
)
# What content_fingerprint hashes: functions yielding each area's generated rows by natural
# keys (never primary keys), so equal seeds give equal hashes whatever the ids.
FINGERPRINT_ROWS = (
    "forum.boards.loaddata.forum_rows",
    "portal.members.loaddata.fingerprint_rows",
    "cms.loaddata.fingerprint_rows",
    "portal.activities.loaddata.fingerprint_rows",
)

USERNAME_PREFIX = "m"
EMAIL_DOMAIN = "load.kehuhui.example"
DEFAULT_PASSWORD = "bench12345"
HISTORY_DAYS = 3 * 365
DAY = 86400.0
# Accounts the benchmark logs in as, beside the members m0000001 …
BENCH_STAFF = (
    # username, display name, superuser, forum moderator, department code
    ("bench_admin", "压测管理员", True, False, None),
    ("bench_moderator", "压测客服", False, True, None),
    ("bench_engineering", "压测工程部", False, False, "engineering"),
)


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
    pools: list = field(default_factory=list)  # ThemePool, index-aligned with text.THEMES
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


def timestamp(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC)


# --- Running ------------------------------------------------------------------------------


def generate(plan: LoadPlan, *, write: Callable[[str], None] = print, steps=LOAD_STEPS):
    """Run the load steps in order, each in its own transaction; returns the context."""
    if plan.members < 1 or plan.topics < 1 or plan.posts < plan.topics:
        raise LoadDataError("Need at least one member and one topic, and --posts ≥ --topics.")
    if get_user_model().objects.filter(username=member_username(0)).exists():
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

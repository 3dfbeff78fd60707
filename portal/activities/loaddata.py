"""Load data for activities: activity pages over two years and the next two months, with
sign-ups, waiting lists, attendance, no-shows and ratings in proportion to the members.

A step of ``portal.loaddata.core.LOAD_STEPS``; rows are written in bulk with explicit keys
(no signals, no mail), pages through the CMS generator's page writer.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from cms.demo import child_page_ensure
from cms.loaddata import _free_slug, _pages_write
from cms.models import HomePage
from portal.activities.models import (
    ActivityCategory,
    ActivityIndexPage,
    ActivityKind,
    ActivityPage,
    Signup,
)
from portal.loaddata import text as portal_loadtext
from portal.loaddata.core import DAY, LoadContext, LoadDataError, analyze, next_id, reset_sequences

MEMBERS_PER_ACTIVITY = 800
MIN_ACTIVITIES = 12
PAST_DAYS = 2 * 365
AHEAD_DAYS = 60
ATTENDANCE = 0.85
RATED = 0.6
TOPICS = {
    ActivityCategory.HOLIDAY: ("中秋邻里家宴", "端午包粽子", "元宵灯谜会", "新春写福字"),
    ActivityCategory.SPORTS: ("滨江夜跑", "业主羽毛球赛", "亲子徒步", "瑜伽晨练"),
    ActivityCategory.CULTURE: ("茶艺沙龙", "书法体验课", "红酒品鉴会", "钢琴音乐会"),
    ActivityCategory.EXCHANGE: ("新业主见面会", "装修经验分享", "社区议事会"),
    ActivityCategory.FAMILY: ("亲子烘焙课", "儿童绘画营", "家庭露营日"),
}
CATEGORY_CUM = list(accumulate((3, 3, 3, 2, 3)))


def activities(ctx: LoadContext) -> None:
    rng = ctx.rng("activities")
    index = ActivityIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.first()
        if home is None:
            raise LoadDataError("No home page: run migrate first.")
        index = child_page_ensure(
            parent=home, model=ActivityIndexPage, slug="activities", title="会员活动"
        )
    count = max(MIN_ACTIVITIES, ctx.plan.members // MEMBERS_PER_ACTIVITY)
    end = ctx.plan.end().timestamp()
    cities = [p.city for p in ctx.projects] or list(portal_loadtext.CITIES)
    categories = list(TOPICS)
    taken = set(index.get_children().values_list("slug", flat=True))
    drafts = []
    for _n in range(count):
        starts = datetime.fromtimestamp(
            end + rng.uniform(-PAST_DAYS, AHEAD_DAYS) * DAY, tz=UTC
        ).replace(minute=0, second=0, microsecond=0)
        category = rng.choices(categories, cum_weights=CATEGORY_CUM)[0]
        city = rng.choice(cities)
        title = rng.choice(TOPICS[category])
        capacity = rng.choice((20, 30, 50, 80, 120, 200))
        drafts.append((starts, category, city, title, capacity))
    drafts.sort(key=lambda draft: draft[0])
    pages = []
    for n, (starts, category, city, title, capacity) in enumerate(drafts):
        published = starts - timedelta(days=rng.randint(10, 40))
        circle = "红酒" in title or "钢琴" in title
        address = portal_loadtext.address(rng, city)
        summary = f"{city}{title}，限 {capacity} 人，会员凭卡签到。"
        body = [{"type": "paragraph", "value": f"<p>{summary}</p>", "id": f"act-{n}"}]
        pages.append(
            {
                "slug": _free_slug(f"{starts:%Y%m%d}-{n + 1:05d}", taken),
                "title": f"{title}（{starts:%m月%d日}）",
                "published": published,
                "description": summary,
                "values": (
                    ActivityKind.CIRCLE if circle else ActivityKind.BASIC,
                    category, summary, city, starts, starts + timedelta(hours=2),
                    f"{city}客户会会所", address, capacity, rng.choice((0, 1, 2)),
                    rng.random() < 0.85, rng.choice((2000, 5000, 10000, 20000)), body,
                ),
            }
        )  # fmt: skip
    fields = [
        "kind", "category", "summary", "city", "starts_at", "ends_at", "place", "address",
        "capacity", "max_companions", "planned", "budget", "body",
    ]  # fmt: skip
    ids = _pages_write(ctx, rng, parent=index, model=ActivityPage, pages=pages, fields=fields)
    signups = _signups(ctx, rng, zip(ids, drafts, pages, strict=True), end)
    reset_sequences(Signup)
    analyze(ActivityPage, Signup)
    ctx.counts["activities"] = count
    ctx.counts["activity sign-ups"] = signups


def _signups(ctx: LoadContext, rng, activities, end: float) -> int:
    members = ctx.member_ids
    if not members:
        return 0
    first = next_id(Signup)
    rows = []
    for activity_id, (starts, _c, _city, _t, capacity), page in activities:
        max_companions = page["values"][9]
        past = starts.timestamp() < end
        demand = int(capacity * rng.uniform(0.4, 1.3))
        chosen = rng.sample(range(len(members)), min(demand, len(members)))
        places = 0
        for position, index in enumerate(chosen):
            companions = rng.randint(0, max_companions)
            created = starts - timedelta(days=30) + timedelta(minutes=10 * position)
            confirmed = places + 1 + companions <= capacity
            if confirmed:
                places += 1 + companions
            elif past:
                continue  # past waiting lists were cleared
            attended = past and confirmed and rng.random() < ATTENDANCE
            rated = attended and rng.random() < RATED
            rows.append(
                (
                    first + len(rows), activity_id, members[index], companions,
                    Signup.Status.CONFIRMED if confirmed else Signup.Status.WAITING,
                    created, created if confirmed else None,
                    starts if attended else None, past and confirmed and not attended,
                    rng.choices((3, 4, 5), cum_weights=(1, 4, 10))[0] if rated else None,
                    (starts + timedelta(days=1)) if rated else None,
                )
            )  # fmt: skip
    fields = [
        "id", "activity", "member", "companions", "status", "created_at", "confirmed_at",
        "checked_in_at", "no_show", "rating", "rated_at",
    ]  # fmt: skip
    with ctx.progress(len(rows), "activity sign-ups") as bar:
        ctx.writer(Signup, fields).write(iter(rows), bar)
    return len(rows)


def fingerprint_rows() -> Iterable[tuple]:
    yield from (
        ActivityPage.objects.order_by("url_path")
        .values_list("url_path", "title", "category", "city", "starts_at", "capacity")
        .iterator()
    )
    yield from (
        Signup.objects.order_by("activity__url_path", "member__username")
        .values_list(
            "activity__url_path", "member__username", "companions", "status", "checked_in_at",
            "no_show", "rating",
        )
        .iterator(chunk_size=5000)
    )  # fmt: skip

"""Load data steps for members: accounts (``members``), verified unit ownership (``owners``),
profiles, points ledgers, redemptions and levels.

``profiles`` gives every generated member a ``MemberProfile`` (member number, join-form details
for most, the optional ones for some, the level floor) and makes sure the bench staff have one.
``points`` writes each member's two ledgers as the site would have written them over the years
(awards by the earning rules with their idempotency keys, staff grants, redemptions, the year-end
carry-overs), then raises every level to what its upgrade points earn, in four set-based UPDATEs.
Balances are sums of the ledger, as everywhere on the site, so the personal center shows them.
"""

import datetime
import math
import uuid
from array import array
from collections.abc import Iterable
from itertools import accumulate

from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Min
from django.utils import timezone
from machina.apps.forum_conversation.models import Post

from portal.loaddata import text as loadtext
from portal.loaddata.core import (
    BENCH_STAFF,
    DAY,
    EMAIL_DOMAIN,
    LoadContext,
    analyze,
    member_username,
    next_id,
    reset_sequences,
    timestamp,
)
from portal.members.models import (
    MemberLevel,
    MemberProfile,
    PointsCategory,
    PointsEntry,
    PointsRule,
    RedemptionItem,
    RedemptionRequest,
    UnitOwnership,
    User,
)
from portal.members.overview import member_overview_all_changed
from portal.members.points import OWNER_MINIMUM_LEVEL, member_levels_ensure, points_expiry_cutoff
from portal.members.profiles import (
    PROFILE_COMPLETION_FIELDS,
    member_number_for_id,
    member_profile_ensure,
)

OWNER_SHARE = 0.4
PENDING_CLAIM_SHARE = 0.03
CLAIM_DAYS = 3  # owners claim their unit on joining and are verified within this many days

Ledger = PointsEntry.Ledger
Profile = MemberProfile

JOINED_THROUGH_FORM_SHARE = 0.85  # the rest were imported from the sales system, no details
THOROUGH_SHARE = 0.45  # of those, filled in every optional field too
OPTIONAL_FIELD_SHARE = 0.4  # the others fill each optional field with this chance
PURCHASE_INTENTION_SHARE = 0.2  # of members who own nothing yet
# Level targets by position from the floor (owners start at 银卡, others at 普卡).
OWNER_LEVEL_WEIGHTS = (70, 22, 8)
MEMBER_LEVEL_WEIGHTS = (88, 10, 2)
ACTIVITY_MEAN = 1.5  # staff grants per member (activities, surveys), geometric
REDEMPTION_SHARE = 0.15
PENDING_REDEMPTION_SHARE = 0.1

GENDERS = (Profile.Gender.FEMALE, Profile.Gender.MALE, Profile.Gender.UNDISCLOSED)
GENDER_CUM = tuple(accumulate((47, 47, 6)))
FAMILIES = tuple(Profile.Family.values)
FAMILY_CUM = tuple(accumulate((15, 25, 35, 20, 5)))
HOW_HEARD = tuple(Profile.HowHeard.values)
HOW_HEARD_CUM = tuple(accumulate((30, 35, 20, 10, 5)))
INTERESTS = tuple(Profile.Interest.values)
PROPERTY_TYPES = tuple(Profile.PropertyType.values)
PROPERTY_TYPE_CUM = tuple(accumulate((70, 15, 10, 5)))


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
                timestamp(joined[n]),
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
    # Written without signals: members' kept overviews must not be used.
    member_overview_all_changed()


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
                decided = timestamp(min(claimed + rng.uniform(0.1, 1) * DAY, end - 60))
            claims.append(
                (
                    user_id,
                    index,
                    building,
                    unit,
                    pending,
                    timestamp(min(claimed, end - 120)),
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
    # Written without signals: members' kept overviews must not be used.
    member_overview_all_changed()


def _uuid_hex(rng) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _round(value: float, step: int) -> int:
    return max(step, int(value // step) * step)


def _member_range(ctx: LoadContext) -> tuple[int, int]:
    return ctx.member_ids.start, ctx.member_ids.stop - 1


def _verified_ownerships(ctx: LoadContext) -> list[tuple]:
    return list(
        UnitOwnership.objects.filter(
            member_id__gte=ctx.member_ids.start,
            member_id__lt=ctx.member_ids.stop,
            status=UnitOwnership.Status.VERIFIED,
        )
        .order_by("pk")
        .values_list(
            "member_id", "project__name", "project__city", "building", "unit", "decided_at"
        )
    )


def _floor_levels(levels: list[MemberLevel]) -> tuple[MemberLevel | None, MemberLevel | None]:
    lowest = levels[0] if levels else None
    owners = next((level for level in levels if level.code == OWNER_MINIMUM_LEVEL), lowest)
    return lowest, owners


# --- Profiles -------------------------------------------------------------------------------


def profiles(ctx: LoadContext) -> None:
    """A member profile for every generated member; the bench staff's through the service."""
    rng = ctx.rng("profiles")
    levels = member_levels_ensure()
    lowest, owner_floor = _floor_levels(levels)
    for user in ctx.staff.values():
        member_profile_ensure(user=user)
    owner_city: dict[int, str] = {}
    for member_id, _project, city, _building, _unit, _decided in _verified_ownerships(ctx):
        owner_city.setdefault(member_id, city)
    cities = [project.city for project in ctx.projects] or list(loadtext.CITIES)
    taken = set(Profile.objects.exclude(mobile=None).values_list("mobile", flat=True))
    first = next_id(Profile)
    end_year = ctx.plan.end().year

    def unique_mobile() -> str:
        while True:
            number = loadtext.mobile(rng)
            if number not in taken:
                taken.add(number)
                return number

    def profile_rows():
        for n, user_id in enumerate(ctx.member_ids):
            joined = timestamp(ctx.joined[n])
            city = owner_city.get(user_id)
            owner = city is not None
            details = dict.fromkeys(("real_name", "gender", "city", "family", "how_heard"), "")
            details.update(interests="", birth_year=None, mobile=None)
            purchase = ("", None, "")
            if rng.random() < JOINED_THROUGH_FORM_SHARE:
                if not owner or rng.random() < 0.1:
                    city = rng.choice(cities)
                details.update(real_name=loadtext.real_name(rng), mobile=unique_mobile(), city=city)
                share = 1.0 if rng.random() < THOROUGH_SHARE else OPTIONAL_FIELD_SHARE

                def fills(share=share):
                    return rng.random() < share

                if fills():
                    details["gender"] = rng.choices(GENDERS, cum_weights=GENDER_CUM)[0]
                if fills():
                    age = int(rng.triangular(22, 75, 40))
                    details["birth_year"] = end_year - age
                if fills():
                    details["family"] = rng.choices(FAMILIES, cum_weights=FAMILY_CUM)[0]
                if fills():
                    details["how_heard"] = rng.choices(HOW_HEARD, cum_weights=HOW_HEARD_CUM)[0]
                if fills():
                    picked = set(rng.sample(INTERESTS, rng.randint(1, 3)))
                    details["interests"] = ",{},".format(
                        ",".join(code for code in INTERESTS if code in picked)
                    )
                if not owner and rng.random() < PURCHASE_INTENTION_SHARE:
                    district = rng.choice(loadtext.DISTRICTS.get(city, ("新区",)))
                    purchase = (
                        district,
                        rng.randrange(150, 1500, 10),
                        rng.choices(PROPERTY_TYPES, cum_weights=PROPERTY_TYPE_CUM)[0],
                    )
            ctx.profile_complete.append(
                all(details[name] not in ("", None) for name in PROFILE_COMPLETION_FIELDS)
            )
            level = owner_floor if owner else lowest
            yield (
                first + n,
                user_id,
                member_number_for_id(user_id=user_id),
                joined,
                level.pk if level else None,
                details["real_name"],
                details["gender"],
                details["birth_year"],
                details["mobile"],
                details["city"],
                details["family"],
                details["how_heard"],
                details["interests"],
                *purchase,
                rng.random() >= 0.1,  # notify_club_news
                rng.random() >= 0.05,  # show_level_badge
                bool(purchase[0]) and rng.random() < 0.3,  # allow_sales_contact
                joined,
            )

    fields = [
        "id", "user", "member_number", "card_issued_at", "level", "real_name", "gender",
        "birth_year", "mobile", "city", "family", "how_heard", "interests", "purchase_area",
        "purchase_budget", "purchase_type", "notify_club_news", "show_level_badge",
        "allow_sales_contact", "created_at",
    ]  # fmt: skip
    ctx.profile_complete = bytearray()
    count = len(ctx.member_ids)
    with ctx.progress(count, "member profiles") as bar:
        ctx.writer(Profile, fields).write(profile_rows(), bar)
    reset_sequences(Profile)
    ctx.counts["member profiles"] = count
    ctx.counts["complete profiles"] = sum(ctx.profile_complete)
    # Written without signals: members' kept overviews must not be used.
    member_overview_all_changed()


# --- Points ---------------------------------------------------------------------------------


class _Ledgers:
    """One member's entries as the services would have written them, in time order."""

    def __init__(self, member_id: int):
        self.member_id = member_id
        self.events: list[tuple] = []  # (time, kind, payload)

    def award(self, at, rule, *, source_key, reason="", source=(None, ""), by=None):
        amounts = ((Ledger.REWARD, rule.reward_points), (Ledger.UPGRADE, rule.upgrade_points))
        for ledger, amount in amounts:
            if amount:
                self.events.append(
                    (at, "entry", (ledger, amount, rule.category, reason or rule.name, rule.pk,
                                   source_key, *source, f"{rule.code}:{source_key}:{ledger}", by))
                )  # fmt: skip

    def grant(self, at, *, reward, upgrade, reason, category, nonce, by):
        for ledger, amount in ((Ledger.REWARD, reward), (Ledger.UPGRADE, upgrade)):
            if amount:
                self.events.append(
                    (at, "entry", (ledger, amount, category, reason, None, f"staff:{by}", None,
                                   "", f"grant:{nonce}:{ledger}", by))
                )  # fmt: skip

    def upgrade_total(self) -> int:
        return sum(
            p[1] for _t, kind, p in self.events if kind == "entry" and p[0] == Ledger.UPGRADE
        )


def _level_bands(levels: list[MemberLevel]) -> dict[int, tuple[int, int]]:
    """Upgrade points that land exactly on each level: [threshold, next threshold)."""
    bands = {}
    for level, above in zip(levels, [*levels[1:], None], strict=True):
        low = level.upgrade_points_threshold
        high = above.upgrade_points_threshold if above else max(2 * low, low + 1000)
        bands[level.pk] = (low, high)
    return bands


def _level_draw(levels, floor, weights):
    """(levels from the floor up, their cumulative weights) to draw a member's target from."""
    candidates = [level for level in levels if floor is None or level.rank >= floor.rank]
    weights = (list(weights) + [1] * len(candidates))[: len(candidates)]
    return candidates, list(accumulate(weights))


def _year_ends(start: float, end: float) -> list[tuple[float, datetime.date, float, str]]:
    """Carry-overs (31 December, 02:00 local) between start and end:
    (time, day, cut-off time, cut-off day as the carry-over's reason names it)."""
    found = []
    for year in range(timestamp(start).year, timestamp(end).year + 1):
        day = datetime.date(year, 12, 31)
        at = timezone.make_aware(datetime.datetime(year, 12, 31, 2)).timestamp()
        if start < at < end:
            cutoff = points_expiry_cutoff(on=day)
            found.append((at, day, cutoff.timestamp(), cutoff.date().isoformat()))
    return found


def points(ctx: LoadContext) -> None:
    """Each member's reward and upgrade ledgers, redemptions, and the level they earn."""
    rng = ctx.rng("points")
    end = ctx.plan.end().timestamp()
    levels = list(MemberLevel.objects.order_by("rank"))
    lowest, owner_floor = _floor_levels(levels)
    bands = _level_bands(levels)
    draws = {
        True: _level_draw(levels, owner_floor, OWNER_LEVEL_WEIGHTS),
        False: _level_draw(levels, lowest, MEMBER_LEVEL_WEIGHTS),
    }
    year_ends = _year_ends(ctx.joined[0] if ctx.joined else end, end)
    rules = {rule.code: rule for rule in PointsRule.objects.filter(active=True)}
    admin = ctx.staff["bench_admin"].pk
    post_type = ContentType.objects.get_for_model(Post).pk
    request_type = ContentType.objects.get_for_model(RedemptionRequest).pk
    first_posts = _first_posts(ctx)
    purchases: dict[int, list[tuple]] = {}
    for member_id, project, _city, building, unit, decided in _verified_ownerships(ctx):
        purchases.setdefault(member_id, []).append((project, building, unit, decided.timestamp()))
    catalogue = _catalogue_ensure()
    next_request = next_id(RedemptionRequest)
    requests = []
    entries = []
    contract = 0
    for n, member_id in enumerate(ctx.member_ids):
        joined = ctx.joined[n]
        span = max(end - joined, 1.0)
        member = _Ledgers(member_id)

        def moment(after=joined):
            return rng.uniform(after, end)

        if ctx.profile_complete[n] and "profile_completed" in rules:
            at = min(joined + rng.expovariate(1 / (3 * DAY)), end - 1)
            member.award(at, rules["profile_completed"], source_key=f"member:{member_id}")
        if member_id in first_posts and "first_post" in rules:
            post_id, at = first_posts[member_id]
            member.award(
                at + 1, rules["first_post"], source_key=f"member:{member_id}",
                source=(post_type, str(post_id)),
            )  # fmt: skip
        for _ in range(min(int(rng.expovariate(1 / ACTIVITY_MEAN)), 12)):
            reason, category, reward, upgrade = rng.choice(loadtext.ACTIVITY_GRANTS)
            member.grant(
                moment(), reward=_round(rng.randint(*reward), 10),
                upgrade=_round(rng.randint(*upgrade), 10), reason=reason, category=category,
                nonce=_uuid_hex(rng), by=admin,
            )  # fmt: skip
        owned = purchases.get(member_id)
        floor = owner_floor if owned else lowest
        candidates, cum_weights = draws[owned is not None]
        target = rng.choices(candidates, cum_weights=cum_weights)[0] if candidates else None
        missing = 0
        if target is not None and (owned or target != floor):
            low, high = bands[target.pk]
            missing = int(rng.uniform(low, high)) - member.upgrade_total()
        if owned:
            # 购房积分: the club pays upgrade points for each purchase once it is verified.
            share = max(missing, 500) / len(owned)
            for project, building, unit, verified in owned:
                upgrade = _round(share, 100)
                member.grant(
                    verified + 30, reward=_round(upgrade / 5, 10), upgrade=upgrade,
                    reason=f"购房积分：{project} {building}-{unit}",
                    category=PointsCategory.SALES, nonce=_uuid_hex(rng), by=admin,
                )  # fmt: skip
        elif missing > 0 and "referral_purchase" in rules:
            rule = rules["referral_purchase"]
            for _ in range(min(math.ceil(missing / max(rule.upgrade_points, 1)), 8)):
                contract += 1
                at = moment()
                number = f"HT{timestamp(at).year}-{contract:06d}"
                member.award(
                    at, rule, source_key=f"contract:{number}",
                    reason=f"推荐购房成交，合同 {number}", by=admin,
                )  # fmt: skip
        if rng.random() < REDEMPTION_SHARE and catalogue:
            item = rng.choice(catalogue)
            member.events.append((moment(joined + 0.5 * span), "redeem", item))
        for year_end in year_ends:
            if year_end[0] > joined:
                member.events.append((year_end[0], "expire", year_end[1:]))
        member.events.sort(key=lambda event: event[0])
        balance = taken_out = 0
        positive_rewards: list[tuple[float, int]] = []
        for at, kind, payload in member.events:
            if kind == "entry":
                entries.append((at, member_id, *payload))
                if payload[0] == Ledger.REWARD:
                    balance += payload[1]
                    positive_rewards.append((at, payload[1]))
            elif kind == "redeem":
                item = payload
                if balance < item.points_cost:
                    continue
                pending = rng.random() < PENDING_REDEMPTION_SHARE
                decided = None if pending else min(at + rng.uniform(0.2, 3) * DAY, end - 1)
                for year_end in year_ends:  # decided before a carry-over that follows it
                    if decided and at < year_end[0] <= decided:
                        decided = (at + year_end[0]) / 2
                request_id = next_request + len(requests)
                requests.append(
                    (request_id, member_id, item.pk, item.points_cost, pending, at, decided)
                )
                if not pending:
                    balance -= item.points_cost
                    taken_out += item.points_cost
                    entries.append(
                        (decided, member_id, Ledger.REWARD, -item.points_cost,
                         PointsCategory.MEMBERSHIP, f"兑换：{item.name}", None,
                         f"redemption:{request_id}", request_type, str(request_id),
                         f"redeem:{request_id}", admin)
                    )  # fmt: skip
            else:
                # points_expiring: what is left of the points earned before the cut-off.
                day, before, cutoff_day = payload
                earned_before = sum(amount for t, amount in positive_rewards if t < before)
                expired = max(0, min(earned_before - taken_out, balance))
                if expired:
                    balance -= expired
                    taken_out += expired
                    entries.append(
                        (at, member_id, Ledger.REWARD, -expired, PointsCategory.MEMBERSHIP,
                         f"年终结转：{cutoff_day} 之前获得的积分已过期", None,
                         f"expiry:{day.isoformat()}", None, "",
                         f"expire:{member_id}:{day.isoformat()}", None)
                    )  # fmt: skip
    _entries_write(ctx, entries)
    _requests_write(ctx, requests, admin)
    raised = _levels_raise(ctx, levels)
    ctx.counts["points entries"] = len(entries)
    ctx.counts["redemption requests"] = len(requests)
    ctx.counts["levels raised by points"] = raised
    # Written without signals: members' kept overviews must not be used.
    member_overview_all_changed()


def _first_posts(ctx: LoadContext) -> dict[int, tuple[int, float]]:
    """Each generated member's first post (id, time): ids follow time, so the lowest id."""
    rows = (
        Post.objects.filter(poster_id__gte=ctx.member_ids.start, poster_id__lt=ctx.member_ids.stop)
        .values("poster_id")
        .annotate(first=Min("id"), at=Min("created"))
        .order_by("poster_id")
        .values_list("poster_id", "first", "at")
    )
    return {poster: (post_id, at.timestamp()) for poster, post_id, at in rows}


def _catalogue_ensure() -> list[RedemptionItem]:
    """The load data's gifts and vouchers; their stock is what is left after restocking."""
    items = []
    for name, kind, merchant, cost, description in loadtext.CATALOGUE:
        item = RedemptionItem.objects.filter(name=name).first()
        if item is None:
            item = RedemptionItem(
                name=name,
                kind=kind,
                merchant=merchant,
                points_cost=cost,
                stock=200,
                description=description,
            )
            item.full_clean()
            item.save()
        if item.active:
            items.append(item)
    return items


def _entries_write(ctx: LoadContext, entries: list[tuple]) -> None:
    """All members' entries with ids in time order, as the site would have numbered them."""
    entries.sort(key=lambda entry: (entry[0], entry[1], entry[10]))
    first = next_id(PointsEntry)
    rows = (
        (first + n, member_id, ledger, amount, category, reason, rule, source_key, source_type,
         source_id, key, by, timestamp(at))
        for n, (at, member_id, ledger, amount, category, reason, rule, source_key, source_type,
                source_id, key, by) in enumerate(entries)
    )  # fmt: skip
    fields = [
        "id", "member", "ledger", "amount", "category", "reason", "rule", "source_key",
        "source_type", "source_id", "idempotency_key", "created_by", "created_at",
    ]  # fmt: skip
    with ctx.progress(len(entries), "points entries") as bar:
        ctx.writer(PointsEntry, fields).write(rows, bar)
    reset_sequences(PointsEntry)


def _requests_write(ctx: LoadContext, requests: list[tuple], admin: int) -> None:
    Status = RedemptionRequest.Status
    rows = (
        (request_id, member_id, item_id, cost,
         Status.PENDING if pending else Status.APPROVED,
         None if pending else admin, None if pending else timestamp(decided), timestamp(at))
        for request_id, member_id, item_id, cost, pending, at, decided in requests
    )  # fmt: skip
    fields = [
        "id", "member", "item", "points_cost", "status", "decided_by", "decided_at", "created_at",
    ]  # fmt: skip
    with ctx.progress(len(requests), "redemption requests") as bar:
        ctx.writer(RedemptionRequest, fields).write(rows, bar)
    reset_sequences(RedemptionRequest)


def _levels_raise(ctx: LoadContext, levels: list[MemberLevel]) -> int:
    """Raise each generated member to the highest level their upgrade points reach.

    As ``member_level_reevaluate`` does, one set-based UPDATE a level from the lowest up; each
    only raises (it skips profiles already at or above the level), so the owners' floor stays.
    """
    qn = connection.ops.quote_name
    profile, entry = qn(Profile._meta.db_table), qn(PointsEntry._meta.db_table)
    first, last = _member_range(ctx)
    analyze(Profile, PointsEntry)
    raised = 0
    with connection.cursor() as cursor:
        for position, level in enumerate(levels):
            lower = [lower.pk for lower in levels[:position]]
            if not lower:
                continue
            cursor.execute(
                f"""
                UPDATE {profile} SET level_id = %s
                WHERE user_id BETWEEN %s AND %s
                AND (level_id IS NULL OR level_id IN ({", ".join(["%s"] * len(lower))}))
                AND user_id IN (
                    SELECT member_id FROM {entry}
                    WHERE ledger = %s AND member_id BETWEEN %s AND %s
                    GROUP BY member_id HAVING SUM(amount) >= %s
                )
                """,
                [level.pk, first, last, *lower, Ledger.UPGRADE, first, last,
                 level.upgrade_points_threshold],
            )  # fmt: skip
            raised += cursor.rowcount
    return raised


def fingerprint_rows() -> Iterable[tuple]:
    staff = [username for username, *_rest in BENCH_STAFF]  # created now, through the service
    yield from (
        Profile.objects.exclude(user__username__in=staff)
        .order_by("user__username")
        .values_list(
            "user__username", "level__code", "real_name", "gender", "birth_year", "mobile",
            "city", "family", "how_heard", "interests", "purchase_area", "purchase_budget",
            "created_at",
        )
        .iterator()
    )  # fmt: skip
    yield from (
        PointsEntry.objects.order_by("created_at", "member__username", "ledger", "amount")
        .values_list("member__username", "ledger", "amount", "category", "reason", "created_at")
        .iterator()
    )
    yield from (
        RedemptionRequest.objects.order_by("created_at", "member__username")
        .values_list("member__username", "item__name", "status", "created_at", "decided_at")
        .iterator()
    )

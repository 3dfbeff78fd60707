"""Points and levels: the two ledgers, earning rules, levels, redemption holds and expiry.

The public entry point for other areas is :func:`points_event_pay`::

    from portal.members.points import points_event_pay

    points_event_pay(member=post.poster, event="accepted_answer", source_key=f"post:{post.pk}",
                     source=post)

The event must be declared in the registry (``portal.members.events``). It pays every active
:class:`PointsRule` administrators set on that event whose conditions the member meets (level,
housing project, yearly window, active dates, at most N times per period), into the reward and
the upgrade ledger, at most once per ``(rule, source_key)``: a retried task or a double click
returns the entries already written instead of paying again (a unique database constraint on
the entry's idempotency key ``<rule code>:<source key>:<ledger>`` enforces it).

Every write to a member's ledger locks the member's profile row first, so balances are checked
and debited one writer at a time (``select_for_update`` on PostgreSQL; SQLite runs write
transactions one at a time with ``transaction_mode=IMMEDIATE``).
"""

import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.members.models import (
    MemberLevel,
    MemberProfile,
    PointsCategory,
    PointsEntry,
    PointsHold,
    PointsRule,
    UnitOwnership,
    User,
)
from portal.members.profiles import member_profile_ensure

logger = logging.getLogger(__name__)

Ledger = PointsEntry.Ledger
OWNER_MINIMUM_LEVEL = "silver"
# The club's levels as migrations 0003 and 0005 create them on a fresh database:
# code, name, rank, upgrade points threshold, upgrade points to keep it, benefits.
DEFAULT_LEVELS = (
    ("basic", "普卡", 1, 0, 0, "会员活动报名；积分兑换礼品"),
    ("silver", "银卡", 2, 1000, 0, "业主专属板块；会员日商家折扣；生日礼遇"),
    ("gold", "金卡", 3, 5000, 500, "银卡全部礼遇；物业服务优先响应；年度答谢活动"),
    ("platinum", "白金卡", 4, 20000, 2000, "金卡全部礼遇；专属客户经理；新盘优先认购"),
)


class PointsError(Exception):
    """A points operation that is not allowed (not enough points, out of stock, decided)."""


class PointsBudgetError(PointsError):
    """The plan line an entry draws on has no budget left for it."""


# Called with each new ledger entry inside its transaction (the points plan books entries on its
# plan lines here, and raises PointsBudgetError to refuse one beyond its line's budget). Apps
# append to it in their AppConfig.ready(); members itself knows nothing of plans.
POINTS_BOOKKEEPERS: list = []


# --- Balances -------------------------------------------------------------------------------


def points_balance(*, member: User, ledger: str) -> int:
    total = PointsEntry.objects.filter(member=member, ledger=ledger).aggregate(s=Sum("amount"))
    return total["s"] or 0


def points_balances(*, member: User) -> dict[str, int]:
    rows = (
        PointsEntry.objects.filter(member=member)
        .values("ledger")
        .annotate(total=Sum("amount"))
        .values_list("ledger", "total")
    )
    balances = {Ledger.REWARD: 0, Ledger.UPGRADE: 0}
    balances.update(dict(rows))
    return balances


def points_held(*, member: User) -> int:
    """Reward points set aside by active holds (pending redemptions, activity costs)."""
    total = PointsHold.objects.filter(member=member, status=PointsHold.Status.HELD).aggregate(
        s=Sum("amount")
    )
    return total["s"] or 0


def points_available(*, member: User) -> int:
    """What the member may spend now: the reward balance less what holds set aside."""
    return points_balance(member=member, ledger=Ledger.REWARD) - points_held(member=member)


def _lock_member(member: User) -> MemberProfile:
    """Serialise ledger writes for one member (call inside transaction.atomic)."""
    member_profile_ensure(user=member)
    return MemberProfile.objects.select_for_update().get(user=member)


def points_member_lock(*, member: User) -> MemberProfile:
    """Lock the member's points (inside ``transaction.atomic``) before checking and writing
    several things together, e.g. a hold and a reward's stock. Lock the member first, then
    anything else, so two writers never wait on each other."""
    return _lock_member(member)


def points_entry_add(
    *,
    member: User,
    ledger: str,
    amount: int,
    category: str,
    reason: str,
    idempotency_key: str,
    source_key: str = "",
    source=None,
    by: User | None = None,
) -> tuple[PointsEntry, bool]:
    """Write one entry (a bulk grant's, a reversal's) once per ``idempotency_key``; a debit may
    not take the reward balance below what is available. Returns (entry, created)."""
    with transaction.atomic():
        _lock_member(member)
        existing = PointsEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
        if amount < 0 and ledger == Ledger.REWARD and points_available(member=member) + amount < 0:
            raise PointsError(_("The member does not have that many reward points."))
        entry, created = _entry_create(
            member=member,
            ledger=ledger,
            amount=amount,
            category=category,
            reason=reason,
            idempotency_key=idempotency_key,
            source_key=source_key,
            source=source,
            by=by,
        )
        if created and ledger == Ledger.UPGRADE:
            member_level_reevaluate(member=member, allow_downgrade=amount < 0)
        return entry, created


# --- Writing entries ------------------------------------------------------------------------


def _entry_create(
    *,
    member: User,
    ledger: str,
    amount: int,
    category: str,
    reason: str,
    idempotency_key: str,
    rule: PointsRule | None = None,
    source_key: str = "",
    source=None,
    by: User | None = None,
) -> tuple[PointsEntry, bool]:
    """Write one entry unless its idempotency key exists; returns (entry, created)."""
    existing = PointsEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    entry = PointsEntry(
        member=member,
        ledger=ledger,
        amount=amount,
        category=category,
        reason=reason[:200],
        rule=rule,
        source_key=source_key[:100],
        idempotency_key=idempotency_key,
        created_by=by,
    )
    if source is not None:
        entry.source_type = ContentType.objects.get_for_model(source)
        entry.source_id = str(source.pk)
    entry.full_clean(validate_unique=False)
    try:
        # A concurrent writer with the same key loses here, on the database's unique index.
        with transaction.atomic():
            entry.save()
            for bookkeeper in POINTS_BOOKKEEPERS:
                bookkeeper(entry=entry)
    except IntegrityError:
        return PointsEntry.objects.get(idempotency_key=idempotency_key), False
    return entry, True


def _period_start(period: str, at: datetime.datetime) -> datetime.datetime | None:
    local = timezone.localtime(at)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    Period = PointsRule.CapPeriod
    if period == Period.DAY:
        return day
    if period == Period.WEEK:
        return day - datetime.timedelta(days=day.weekday())
    if period == Period.MONTH:
        return day.replace(day=1)
    if period == Period.YEAR:
        return day.replace(month=1, day=1)
    return None


def points_rule_refusal(*, rule: PointsRule, member: User, at: datetime.datetime) -> str:
    """Why ``rule`` does not pay ``member`` at ``at`` (an empty string when it does pay).

    The cap counts the sources this rule already paid the member in the current period.
    """
    day = timezone.localtime(at).date()
    if not rule.active:
        return "inactive"
    if (rule.active_from and day < rule.active_from) or (
        rule.active_until and day > rule.active_until
    ):
        return "not in force"
    if not rule.in_window(day):
        return "outside the yearly window"
    level_ids = {level.pk for level in rule.levels.all()}
    if level_ids:
        profile = MemberProfile.objects.filter(user=member).only("level_id").first()
        if profile is None or profile.level_id not in level_ids:
            return "level"
    project_ids = {project.pk for project in rule.projects.all()}
    if (
        project_ids
        and not UnitOwnership.objects.filter(
            member=member, project_id__in=project_ids, status=UnitOwnership.Status.VERIFIED
        ).exists()
    ):
        return "project"
    if rule.max_times:
        paid = PointsEntry.objects.filter(rule=rule, member=member)
        start = _period_start(rule.cap_period, at)
        if start is not None:
            paid = paid.filter(created_at__gte=start)
        if paid.values("source_key").distinct().count() >= rule.max_times:
            return "cap"
    return ""


def _rule_keys(rule: PointsRule, source_key: str) -> dict[str, str]:
    return {
        ledger: f"{rule.code}:{source_key}:{ledger}" for ledger in (Ledger.REWARD, Ledger.UPGRADE)
    }


@transaction.atomic
def points_rule_pay(
    *,
    rule: PointsRule,
    member: User,
    source_key: str,
    source=None,
    reason: str = "",
    by: User | None = None,
    at: datetime.datetime | None = None,
) -> tuple[list[PointsEntry], bool]:
    """Pay one rule for one source: (entries, paid now). Entries already written for this
    ``(rule, source)`` are returned as they are, whatever the conditions say today."""
    _lock_member(member)
    existing = list(
        PointsEntry.objects.filter(
            idempotency_key__in=_rule_keys(rule, source_key).values()
        ).order_by("ledger")
    )
    if existing:
        # A source pays one member per rule: another member's entries are not this one's.
        return [e for e in existing if e.member_id == member.pk], False
    if points_rule_refusal(rule=rule, member=member, at=at or timezone.now()):
        return [], False
    entries = []
    keys = _rule_keys(rule, source_key)
    for ledger, amount in (
        (Ledger.REWARD, rule.reward_points),
        (Ledger.UPGRADE, rule.upgrade_points),
    ):
        if not amount:
            continue
        entry, _created = _entry_create(
            member=member,
            ledger=ledger,
            amount=amount,
            category=rule.category,
            reason=reason or rule.name,
            idempotency_key=keys[ledger],
            rule=rule,
            source_key=source_key,
            source=source,
            by=by,
        )
        entries.append(entry)
    if rule.upgrade_points:
        member_level_reevaluate(member=member)
    return entries, True


def points_event_pay(
    *,
    member: User,
    event: str,
    source_key: str,
    source=None,
    reason: str = "",
    by: User | None = None,
    at: datetime.datetime | None = None,
) -> list[PointsEntry]:
    """An event happened: pay every active rule administrators set on it.

    Each rule pays at most once per ``(rule, source_key)``, so a retried task or a double click
    returns the entries already written instead of paying again. A rule whose plan line has no
    budget left (see ``POINTS_BOOKKEEPERS``) is skipped and logged; the other rules still pay.
    Returns the entries of this event, new or already written.
    """
    entries = []
    for rule in PointsRule.objects.filter(event=event, active=True).prefetch_related(
        "levels", "projects"
    ):
        try:
            paid, _now = points_rule_pay(
                rule=rule,
                member=member,
                source_key=source_key,
                source=source,
                reason=reason,
                by=by,
                at=at,
            )
        except PointsBudgetError as exc:
            logger.warning("rule %s not paid to member %s: %s", rule.code, member.pk, exc)
            continue
        entries.extend(paid)
    return entries


def points_award(
    *,
    member: User,
    rule_code: str,
    source_key: str,
    source=None,
    reason: str = "",
    by: User | None = None,
) -> list[PointsEntry]:
    """The earlier name of :func:`points_event_pay` (``rule_code`` is the event's code)."""
    return points_event_pay(
        member=member, event=rule_code, source_key=source_key, source=source, reason=reason, by=by
    )


@transaction.atomic
def points_grant(
    *,
    member: User,
    by: User,
    reward_points: int,
    upgrade_points: int,
    reason: str,
    category: str,
    idempotency_key: str,
) -> list[PointsEntry]:
    """A manual grant (or correction, when negative) by staff, with a reason.

    ``idempotency_key`` comes from the form that was shown, so submitting it twice pays once.
    A negative reward amount may not take the balance below zero, nor below what holds set
    aside (charging them would then take it below zero).
    """
    if not by.has_perm("portal.add_pointsentry"):
        raise PointsError(_("You may not grant points."))
    if not reason.strip():
        raise PointsError(_("A grant needs a reason."))
    _lock_member(member)
    if reward_points < 0 and points_available(member=member) + reward_points < 0:
        raise PointsError(_("The member does not have that many reward points."))
    entries = []
    for ledger, amount in ((Ledger.REWARD, reward_points), (Ledger.UPGRADE, upgrade_points)):
        if not amount:
            continue
        entry, _created = _entry_create(
            member=member,
            ledger=ledger,
            amount=amount,
            category=category,
            reason=reason,
            idempotency_key=f"grant:{idempotency_key}:{ledger}",
            source_key=f"staff:{by.pk}",
            by=by,
        )
        entries.append(entry)
    if upgrade_points:
        member_level_reevaluate(member=member, allow_downgrade=upgrade_points < 0)
    return entries


# --- Levels ---------------------------------------------------------------------------------


@transaction.atomic
def member_levels_ensure() -> list[MemberLevel]:
    """The levels in rank order; the default ones when there are none at all.

    Migrations create them; a database whose levels were wiped (a flushed test database) gets
    them back here. Levels an administrator configured are left exactly as they are.
    """
    if not MemberLevel.objects.exists():
        for code, name, rank, threshold, retention, benefits in DEFAULT_LEVELS:
            level = MemberLevel(
                code=code,
                name=name,
                rank=rank,
                upgrade_points_threshold=threshold,
                yearly_retention_points=retention,
                benefits=benefits,
            )
            level.full_clean()
            level.save()
    return list(MemberLevel.objects.order_by("rank"))


def level_for_points(upgrade_points: int) -> MemberLevel | None:
    return (
        MemberLevel.objects.filter(upgrade_points_threshold__lte=max(upgrade_points, 0))
        .order_by("-rank")
        .first()
    )


def member_level_floor(*, member: User) -> MemberLevel | None:
    """The lowest level a member may hold: verified owners hold at least 银卡."""
    if UnitOwnership.objects.filter(member=member, status=UnitOwnership.Status.VERIFIED).exists():
        return MemberLevel.objects.filter(code=OWNER_MINIMUM_LEVEL).first()
    return MemberLevel.objects.order_by("rank").first()


def _higher(*levels: MemberLevel | None) -> MemberLevel | None:
    present = [level for level in levels if level is not None]
    return max(present, key=lambda level: level.rank) if present else None


@transaction.atomic
def member_level_reevaluate(*, member: User, allow_downgrade: bool = False) -> MemberLevel | None:
    """Raise the level to what the upgrade points and ownership earn.

    Levels only go down at the yearly review (:func:`member_levels_yearly_review`) or when
    ``allow_downgrade`` (a staff correction) says so.
    """
    profile = _lock_member(member)
    earned = level_for_points(points_balance(member=member, ledger=Ledger.UPGRADE))
    floor = member_level_floor(member=member)
    target = _higher(earned, floor)
    if not allow_downgrade:
        target = _higher(target, profile.level)
    if target is not None and target != profile.level:
        profile.level = target
        profile.full_clean()
        profile.save(update_fields=["level"])
    return profile.level


@transaction.atomic
def member_levels_yearly_review(*, today: datetime.date | None = None) -> dict[str, int]:
    """Move members down one level when they earned fewer upgrade points in the past year than
    their level's ``yearly_retention_points``, never below their floor (verified owners: 银卡).
    Returns how many members moved down."""
    now = (
        timezone.now()
        if today is None
        else timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    )
    year_ago = now - datetime.timedelta(days=365)
    levels = list(MemberLevel.objects.order_by("rank"))
    below = {level.pk: prev for prev, level in zip(levels, levels[1:], strict=False)}
    moved = {"down": 0}
    profiles = MemberProfile.objects.select_related("level", "user").filter(
        level__yearly_retention_points__gt=0, anonymised_at__isnull=True
    )
    for profile in profiles:
        earned = (
            PointsEntry.objects.filter(
                member=profile.user, ledger=Ledger.UPGRADE, created_at__gte=year_ago, amount__gt=0
            ).aggregate(s=Sum("amount"))["s"]
            or 0
        )
        if earned >= profile.level.yearly_retention_points:
            continue
        target = _higher(below.get(profile.level.pk), member_level_floor(member=profile.user))
        if target is not None and target != profile.level:
            profile.level = target
            profile.save(update_fields=["level"])
            moved["down"] += 1
    return moved


def member_level_for(*, member: User) -> MemberLevel | None:
    profile = MemberProfile.objects.filter(user=member).select_related("level").first()
    return profile.level if profile else None


# --- Holds ----------------------------------------------------------------------------------


@transaction.atomic
def points_hold(*, member: User, amount: int, source_key: str, reason: str) -> PointsHold:
    """Set ``amount`` reward points aside for ``source_key`` (one hold per source).

    Raises PointsError when fewer points are available than asked; returns the existing hold
    when this source already holds points (a double click, a retried task).
    """
    if amount <= 0:
        raise PointsError(_("A hold must be for a positive number of points."))
    _lock_member(member)
    existing = PointsHold.objects.filter(source_key=source_key).first()
    if existing is not None:
        if existing.member_id != member.pk:
            raise PointsError(_("These points are held for another member."))
        return existing
    available = points_available(member=member)
    if available < amount:
        raise PointsError(
            _("You have %(available)s reward points available; %(needed)s are needed.")
            % {"available": max(available, 0), "needed": amount}
        )
    hold = PointsHold(member=member, amount=amount, source_key=source_key, reason=reason[:200])
    hold.full_clean()
    hold.save()
    return hold


def _hold_locked(hold: PointsHold) -> PointsHold:
    _lock_member(hold.member)
    return PointsHold.objects.select_for_update().get(pk=hold.pk)


@transaction.atomic
def points_hold_charge(
    *,
    hold: PointsHold,
    by: User | None = None,
    category: str = PointsCategory.MEMBERSHIP,
    source=None,
) -> PointsEntry:
    """Spend what the hold set aside: one debit entry; the hold becomes charged. Charging a
    hold twice returns the same entry; a released hold cannot be charged."""
    hold = _hold_locked(hold)
    if hold.status == PointsHold.Status.CHARGED:
        return hold.entry
    if hold.status != PointsHold.Status.HELD:
        raise PointsError(_("These points were released and can no longer be charged."))
    entry, _created = _entry_create(
        member=hold.member,
        ledger=Ledger.REWARD,
        amount=-hold.amount,
        category=category,
        reason=hold.reason,
        idempotency_key=f"hold:{hold.pk}",
        source_key=hold.source_key,
        source=source,
        by=by,
    )
    hold.status = PointsHold.Status.CHARGED
    hold.entry = entry
    hold.settled_at = timezone.now()
    hold.save(update_fields=["status", "entry", "settled_at"])
    return entry


@transaction.atomic
def points_hold_release(*, hold: PointsHold) -> PointsHold:
    """Give the held points back to the member's available balance (nothing is written to the
    ledger). Releasing twice is harmless; a charged hold cannot be released."""
    hold = _hold_locked(hold)
    if hold.status == PointsHold.Status.CHARGED:
        raise PointsError(_("These points were already spent."))
    if hold.status == PointsHold.Status.HELD:
        hold.status = PointsHold.Status.RELEASED
        hold.settled_at = timezone.now()
        hold.save(update_fields=["status", "settled_at"])
    return hold


def points_hold_for(*, source_key: str) -> PointsHold | None:
    return PointsHold.objects.filter(source_key=source_key).first()


# --- Year-end carry-over (结转) ----------------------------------------------------------------


def points_expiry_cutoff(*, on: datetime.date) -> datetime.datetime:
    """Reward points earned before this instant expire on ``on``."""
    months = settings.POINTS_EXPIRY_MONTHS
    year, month = divmod(on.year * 12 + on.month - 1 - months, 12)
    day = min(on.day, 28)
    return timezone.make_aware(datetime.datetime(year, month + 1, day))


def points_expiring(*, member: User, cutoff: datetime.datetime) -> int:
    """Reward points earned before ``cutoff`` and not yet spent or expired.

    Spending and earlier expiries consume the oldest points first, so what remains of the points
    earned before the cut-off is their sum minus everything taken out so far (never below 0).
    """
    rows = PointsEntry.objects.filter(member=member, ledger=Ledger.REWARD).aggregate(
        old=Sum("amount", filter=Q(amount__gt=0, created_at__lt=cutoff)),
        out=Sum("amount", filter=Q(amount__lt=0)),
    )
    old, out = rows["old"] or 0, -(rows["out"] or 0)
    balance = points_balance(member=member, ledger=Ledger.REWARD)
    return max(0, min(old - out, balance))


def _members_with_reward_points_before(cutoff):
    return User.objects.filter(
        pk__in=PointsEntry.objects.filter(
            ledger=Ledger.REWARD, amount__gt=0, created_at__lt=cutoff
        ).values("member")
    )


def points_expire(*, on: datetime.date) -> dict[str, int]:
    """Write an expiry entry for every member's points older than the configured period.

    Idempotent per member and date: running it twice on the same day expires nothing more.
    """
    cutoff = points_expiry_cutoff(on=on)
    members = total = 0
    for member in _members_with_reward_points_before(cutoff).iterator():
        with transaction.atomic():
            _lock_member(member)
            # Points set aside by holds are promised (a pending redemption, an activity's
            # cost): they do not expire, so charging a hold never takes a balance below zero.
            amount = min(
                points_expiring(member=member, cutoff=cutoff), points_available(member=member)
            )
            if amount <= 0:
                continue
            _entry, created = _entry_create(
                member=member,
                ledger=Ledger.REWARD,
                amount=-amount,
                category=PointsCategory.MEMBERSHIP,
                reason=_("Year-end carry-over: points earned before %(date)s expired")
                % {"date": cutoff.date().isoformat()},
                idempotency_key=f"expire:{member.pk}:{on.isoformat()}",
                source_key=f"expiry:{on.isoformat()}",
            )
            if created:
                members += 1
                total += amount
    return {"members": members, "points": total}


def points_expiry_notify(*, on: datetime.date) -> int:
    """Tell each member (once per expiry date) how many points will expire on ``on``.

    Run it a month before the carry-over; the mail goes out after commit through a task.
    """
    from portal.members.models import PointsExpiryNotice
    from portal.members.tasks import send_points_expiry_notice

    cutoff = points_expiry_cutoff(on=on)
    sent = 0
    for member in _members_with_reward_points_before(cutoff).select_related("member_profile"):
        amount = points_expiring(member=member, cutoff=cutoff)
        profile = getattr(member, "member_profile", None)
        if amount <= 0 or not member.email or (profile and not profile.notify_points):
            continue
        with transaction.atomic():
            notice, created = PointsExpiryNotice.objects.get_or_create(
                member=member, expires_on=on, defaults={"amount": amount}
            )
            if not created:
                continue
            transaction.on_commit(
                lambda pk=notice.pk: send_points_expiry_notice.enqueue(notice_id=pk)
            )
            sent += 1
    return sent

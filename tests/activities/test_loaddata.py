from datetime import date

from django.db.models import Count, F, Q, Sum

from portal.activities.models import ActivityPage, Signup
from portal.loaddata.core import LoadPlan, generate

PLAN = LoadPlan(
    members=80, topics=20, posts=60, seed=3, projects=3, until=date(2026, 1, 1), progress=False
)


def test_load_data_creates_activities_with_sign_ups_within_capacity(db):
    generate(PLAN, write=lambda _line: None)

    activities = ActivityPage.objects.annotate(
        taken=Sum(F("signups__companions") + 1, filter=Q(signups__status="confirmed")),
        attended=Count("signups", filter=Q(signups__checked_in_at__isnull=False)),
    )
    assert activities.count() >= 12
    assert all((a.taken or 0) <= a.capacity for a in activities)
    assert all(a.live and a.url for a in activities[:3])
    assert Signup.objects.filter(checked_in_at__isnull=False).exists()
    assert Signup.objects.filter(no_show=True).exists()

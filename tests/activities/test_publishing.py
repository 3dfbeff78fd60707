import pytest

from portal.activities.ical import ical_text
from portal.activities.models import ActivityCategory, ActivityPage
from tests.activities.conftest import in_days, make_activity


def test_index_lists_upcoming_activities_with_ical_link(client, activity_index, activity):
    past = make_activity(activity_index, slug="old", title="去年的活动", days=-30)

    response = client.get("/activities/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="activities-ical"' in page
    assert activity.title in page
    assert past.title not in page


def test_index_filters_by_category_city_and_month(client, activity_index):
    make_activity(activity_index, slug="run", title="滨江夜跑", category=ActivityCategory.SPORTS,
                  city="杭州", days=3)  # fmt: skip
    make_activity(activity_index, slug="piano", title="钢琴沙龙", category=ActivityCategory.CULTURE,
                  days=40)  # fmt: skip

    sports = client.get("/activities/?category=sports").content.decode()
    hangzhou = client.get("/activities/?city=杭州").content.decode()
    month = in_days(40).strftime("%Y-%m")
    later = client.get(f"/activities/?month={month}").content.decode()
    bad = client.get("/activities/?month=2026-13&category=nonsense")

    assert "滨江夜跑" in sports and "钢琴沙龙" not in sports
    assert "滨江夜跑" in hangzhou and "钢琴沙龙" not in hangzhou
    assert "钢琴沙龙" in later
    assert bad.status_code == 200 and "滨江夜跑" in bad.content.decode()


def test_ical_feed_and_page_ics(client, activity):
    feed = client.get("/activities/ical/")
    single = client.get(f"{activity.url}ics/")

    assert feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "BEGIN:VEVENT" in body and "SUMMARY:茶艺沙龙" in body
    assert "SUMMARY:茶艺沙龙" in single.content.decode()
    assert body.endswith("END:VCALENDAR\r\n")


def test_ical_escapes_and_folds_long_lines(activity):
    activity.title = "a,b;c\\d " + "长" * 40
    text = ical_text(activities=[activity], site_url="http://x")

    assert "SUMMARY:a\\,b\\;c\\\\d" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_activity_page_shows_where_when_and_sign_up_for_visitor(client, activity):
    page = client.get(activity.url).content.decode()

    assert "翠湖天地会所" in page
    assert "uri.amap.com" in page
    assert 'data-state="login"' in page
    assert 'data-testid="activity-signup"' not in page


def test_activity_end_before_start_is_refused(activity):
    from django.core.exceptions import ValidationError

    activity.ends_at = in_days(1)
    activity.starts_at = in_days(2)
    with pytest.raises(ValidationError):
        activity.full_clean()


def test_audience_needs_its_level_or_circle(activity):
    from django.core.exceptions import ValidationError

    activity.audience = ActivityPage.Audience.CIRCLE
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "circle" in error.value.message_dict


def test_seed_demo_creates_an_open_and_a_past_activity(db, client):
    from django.core.management import call_command

    from portal.activities.models import ExperienceSummary
    from portal.members.models import User

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert ActivityPage.objects.count() == 3
    past = ActivityPage.objects.get(slug="mid-autumn-dinner")
    assert ExperienceSummary.objects.filter(activity=past).count() == 1
    client.force_login(User.objects.get(username="member1"))
    upcoming = ActivityPage.objects.get(slug="family-baking")
    assert 'data-testid="activity-signup"' in client.get(upcoming.url).content.decode()
    assert 'data-testid="activities-ical"' in client.get("/activities/").content.decode()

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from forum.cases.models import Case, Category
from forum.cases.reports import percentile, report_build, report_csv, report_xlsx
from tests.conftest import make_topic

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(480)
MARCH = datetime(2026, 3, 1, 9, 0, tzinfo=TZ)


@pytest.fixture
def march_cases(complaint_forum, member, departments, project_a):
    """Four cases in March 2026 (and one in April) with known times."""
    quality = Category.objects.get(code="quality")
    specs = [
        # subject, department, first response after h, resolved after h, satisfaction, status
        ("卫生间漏水", "engineering", 2, 20, 5, "resolved"),
        ("厨房漏水", "engineering", 10, 100, 3, "resolved"),
        ("卧室窗户漏水", "engineering", 30, None, None, "in_progress"),
        ("垃圾清运不及时", "property", 4, 30, 4, "closed"),
    ]
    cases = []
    for index, (subject, code, first_h, resolved_h, rating, status) in enumerate(specs):
        topic = make_topic(forum=complaint_forum, poster=member, subject=subject, content=subject)
        created = MARCH + timedelta(days=index)
        cases.append(
            Case.objects.create(
                topic=topic,
                department=departments[code],
                category=quality if code == "engineering" else None,
                project=project_a if index < 2 else None,
                status=status,
                priority=3,
                created_at=created,
                first_response_due=created + timedelta(hours=24),
                resolution_due=created + timedelta(days=7),
                first_response_at=created + timedelta(hours=first_h),
                resolved_at=created + timedelta(hours=resolved_h) if resolved_h else None,
                satisfaction=rating,
            )
        )
    april = make_topic(forum=complaint_forum, poster=member, subject="四月的问题")
    Case.objects.create(topic=april, created_at=datetime(2026, 4, 1, 9, tzinfo=TZ))
    return cases


def test_nearest_rank_percentile():
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    assert percentile([4], 0.9) == 4
    assert percentile([], 0.9) is None


def test_report_figures_on_a_known_month(march_cases):
    report = report_build(year=2026, month=3, now=datetime(2026, 5, 1, tzinfo=TZ))

    assert report.total == 4
    assert dict(report.by_department) == {"工程部": 3, "物业服务中心": 1}
    assert dict(report.by_category) == {"房屋质量": 3, "未分派": 1}
    assert dict(report.by_status) == {"已解决": 2, "处理中": 1, "已关闭": 1}
    assert (report.first_response.n, report.first_response.median, report.first_response.p90) == (
        4,
        7.0,
        30.0,
    )
    assert (report.resolution.n, report.resolution.median, report.resolution.p90) == (
        3,
        30.0,
        100.0,
    )
    assert (report.first_response_sla.within, report.first_response_sla.n) == (3, 4)
    # Resolved within 7 days: 20 h and 100 h and 30 h; the open one is overdue by May.
    assert (report.resolution_sla.within, report.resolution_sla.n) == (3, 4)
    assert report.satisfaction_average == 4.0
    engineering = next(g for g in report.recurring if g["department"] == "工程部")
    assert engineering["terms"][0] == ("漏水", 3)


def test_report_for_one_project(march_cases, project_a):
    report = report_build(year=2026, month=3, project=project_a)

    assert report.total == 2
    assert dict(report.by_project) == {"翠湖天地": 2}


def test_csv_and_xlsx_exports_carry_the_figures(march_cases):
    report = report_build(year=2026, month=3, now=datetime(2026, 5, 1, tzinfo=TZ))

    csv_text = report_csv(report)
    workbook = load_workbook(__import__("io").BytesIO(report_xlsx(report)))

    assert "工程部,3" in csv_text
    assert "首次响应用时,4,7.0,30.0" in csv_text
    assert workbook["cases"].max_row == 5
    assert workbook["cases"]["B2"].value == "卫生间漏水"


def test_the_report_page_is_for_moderators(client, march_cases, moderator, engineering_staff):
    from tests.factories import TEST_PASSWORD

    client.login(username=engineering_staff.username, password=TEST_PASSWORD)
    assert client.get("/triage/reports/?month=2026-03").status_code == 403

    client.login(username=moderator.username, password=TEST_PASSWORD)
    page = client.get("/triage/reports/?month=2026-03").content.decode()
    export = client.get("/triage/reports/?month=2026-03&export=csv")

    assert "<svg" in page and "工程部" in page
    assert 'data-testid="satisfaction">4.0 (n=3)' in page
    assert export["Content-Type"].startswith("text/csv")
    assert "工程部,3" in export.content.decode("utf-8-sig")

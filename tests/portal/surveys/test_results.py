import csv
import io

import pytest
from django.contrib.auth.models import Permission
from openpyxl import load_workbook

from portal.surveys.exports import cell_neutralise
from portal.surveys.selectors import survey_cross_tabs, survey_results
from portal.surveys.services import survey_submit
from tests.factories import UserFactory
from tests.portal.surveys.conftest import GOOD_ANSWERS
from tests.portal.surveys.test_questions import form


@pytest.fixture
def analyst(db):
    user = UserFactory(username="analyst")
    user.user_permissions.add(Permission.objects.get(codename="view_survey_results"))
    return user


def answer(page, n, **overrides):
    member = UserFactory(username=f"respondent{n}")
    survey_submit(survey=page, data=form({**GOOD_ANSWERS, **overrides}), member=member)
    return member


def test_results_are_counted_per_choice_with_average_and_nps(survey):
    for n, (score, visited) in enumerate([("10", "参观过"), ("9", "没有"), ("3", "参观过")]):
        answer(survey, n, **{"q-recommend": score, "q-visited": visited})

    results = {r.question.key: r for r in survey_results(survey=survey)}

    assert results["visited"].counts[0][:2] == ("参观过", 2)
    assert results["impression"].answered == 2  # skipped by the one who had not visited
    assert results["recommend"].nps == round(100 * (2 - 1) / 3)
    assert results["service"].average == 4.0
    assert results["matrix"].matrix == [("绿化", [3, 0, 0]), ("停车", [0, 0, 3])]
    assert results["impression"].texts == ["采光很好", "采光很好"]


def test_anonymous_results_hide_small_groups(make_survey):
    page = make_survey(anonymous=True)
    for n in range(4):
        answer(page, n)

    results = survey_results(survey=page)

    assert all(r.suppressed for r in results)
    answer(page, 4)
    assert not any(r.suppressed for r in survey_results(survey=page))


def test_cross_tab_folds_and_hides_groups_under_five(make_survey):
    from portal.surveys.models import SurveyResponse

    page = make_survey(anonymous=True)
    for n in range(8):
        answer(page, n)
    cities = ["上海"] * 5 + ["杭州"] * 2 + ["成都"]
    for response, city in zip(SurveyResponse.objects.order_by("pk"), cities, strict=True):
        response.city = city
        response.save()

    tabs = {tab["question"].key: tab for tab in survey_cross_tabs(survey=page, dimension="city")}

    assert set(tabs) == {"visited", "rooms", "service", "recommend"}
    assert tabs["visited"]["rows"] == [("上海", 5, [5, 0])]
    assert tabs["visited"]["suppressed"]  # 杭州 and 成都 together are 3, still under five
    assert tabs["rooms"]["rows"] == [("上海", 5, [5, 0, 5])]


def test_results_page_and_exports_are_refused_to_members_and_visitors(client, member, survey):
    for user in (None, member):
        if user:
            client.force_login(user)
        for url in (f"/surveys/results/{survey.pk}/", f"/surveys/results/{survey.pk}/export.csv"):
            assert client.get(url).status_code == 403


def test_results_page_shows_the_charts(client, analyst, survey):
    answer(survey, 1)
    client.force_login(analyst)

    page = client.get(f"/surveys/results/{survey.pk}/?by=city").content.decode()

    assert page.count('data-testid="question-result"') == 6
    assert 'data-testid="cross-tab"' in page
    assert "参观过" in page
    assert "onchange" not in page  # no inline handler: the CSP would block it (URL sweep)


def test_csv_export_neutralises_formulas_and_names_respondents(client, analyst, survey):
    respondent = answer(survey, 1, **{"q-impression": '=HYPERLINK("http://x")'})
    client.force_login(analyst)

    response = client.get(f"/surveys/results/{survey.pk}/export.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["member", "submitted_at"]
    assert rows[1][0] == respondent.username
    assert rows[1][rows[0].index("impression")] == '\'=HYPERLINK("http://x")'
    assert rows[1][rows[0].index("matrix:停车")] == "差"


def test_xlsx_export_of_an_anonymous_survey_names_no_one(client, analyst, make_survey):
    page = make_survey(anonymous=True)
    members = [answer(page, n, **{"q-impression": "+cmd"}) for n in range(5)]
    client.force_login(analyst)

    response = client.get(f"/surveys/results/{page.pk}/export.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "member" not in cells and "submitted_at" not in cells
    assert not any(m.username in cells for m in members)
    assert cells.count("'+cmd") == 5
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value)


def test_anonymous_survey_with_few_answers_is_not_exported(client, analyst, make_survey):
    page = make_survey(anonymous=True)
    answer(page, 1)
    client.force_login(analyst)

    response = client.get(f"/surveys/results/{page.pk}/export.csv")

    assert response.status_code == 302


def test_anonymous_survey_page_does_not_show_respondents(client, analyst, make_survey):
    page = make_survey(anonymous=True)
    members = [answer(page, n) for n in range(5)]
    client.force_login(analyst)

    html = client.get(f"/surveys/results/{page.pk}/?by=project").content.decode()

    assert not any(m.username in html or m.display_name in html for m in members)


@pytest.mark.parametrize(
    ("raw", "safe"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM", "'@SUM"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("好", "好"), (None, "")],
)  # fmt: skip
def test_cell_neutralise(raw, safe):
    assert cell_neutralise(raw) == safe

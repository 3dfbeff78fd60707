"""The staff pages: compose → submit → another person approves (it sends) → statistics; the
header link with what awaits approval; wrong people refused."""

import re

import pytest
from django.core import mail
from django.test import TestCase

from portal.campaigns.models import Campaign
from tests.portal.campaigns.conftest import campaigns_staff, member

pytestmark = pytest.mark.django_db


def test_compose_submit_approve_and_read_the_statistics(
    client, levels, editor, approver, everyone_segment
):
    reader = member("reader", city="上海", real_name="韩梅梅")
    client.force_login(editor)
    response = client.post(
        "/campaigns/new/",
        {
            "name": "六月月刊",
            "kind": "marketing",
            "segment": everyone_segment.pk,
            "send_mail": "on",
            "subject": "{name}，六月月刊",
            "mail_body": "您好 {name}",
            "sms_max_segments": 1,
            "scheduled_at": "2026-01-01T09:00",
            "repeat": "",
        },
    )
    campaign = Campaign.objects.get(name="六月月刊")
    assert response.status_code == 302 and campaign.created_by == editor
    client.post(f"/campaigns/{campaign.pk}/action/", {"action": "submit"})
    page = client.get(f"/campaigns/{campaign.pk}/")
    assert b'data-testid="campaign-approve"' not in page.content  # not for its own editor

    client.force_login(approver)
    nav = client.get("/campaigns/").content.decode()
    assert re.search(r'data-testid="nav-campaigns"[^>]*>[^<]*<span[^>]*>1</span>', nav)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/campaigns/{campaign.pk}/action/", {"action": "approve"})

    campaign.refresh_from_db()
    assert campaign.status == "sent" and campaign.approved_by == approver
    assert [m.to for m in mail.outbox] == [[reader.email]]
    assert mail.outbox[0].subject == "韩梅梅，六月月刊"
    stats = client.get(f"/campaigns/{campaign.pk}/").context["stats"]
    assert stats["mail"]["recipients"] == 1 and stats["mail"]["sent"] == 1


def test_refusal_is_shown_with_its_reason(client, levels, editor, everyone_segment):
    campaign = Campaign.objects.create(
        name="空", segment=everyone_segment, created_by=editor, send_sms=True, sms_text="{nickname}"
    )
    client.force_login(editor)
    response = client.post(f"/campaigns/{campaign.pk}/action/", {"action": "submit"}, follow=True)
    assert "{nickname}" in response.content.decode()
    assert b'data-testid="campaign-status"' in response.content
    campaign.refresh_from_db()
    assert campaign.status == "draft"


def test_wrong_people_are_refused(client, levels, editor, everyone_segment):
    campaign = Campaign.objects.create(name="x", segment=everyone_segment, created_by=editor)
    urls = [
        "/campaigns/",
        "/campaigns/new/",
        f"/campaigns/{campaign.pk}/",
        f"/campaigns/{campaign.pk}/edit/",
    ]
    for url in urls:
        assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(member("plain"))
    for url in urls:
        assert client.get(url).status_code == 403
    assert (
        client.post(f"/campaigns/{campaign.pk}/action/", {"action": "approve"}).status_code == 403
    )
    viewer = campaigns_staff("viewer", "view_campaign")
    client.force_login(viewer)
    client.post(f"/campaigns/{campaign.pk}/action/", {"action": "submit"})
    campaign.refresh_from_db()
    assert campaign.status == "draft"  # a viewer cannot submit
    client.force_login(member("plain2"))
    assert b"nav-campaigns" not in client.get("/").content

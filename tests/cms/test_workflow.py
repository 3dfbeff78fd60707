"""Editors write and submit, Approvers approve and publish, members stay out of /cms/."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from cms.models import NewsPage
from tests.cms.conftest import make_merchant


def add_news_form(client, news_index, **fields):
    url = reverse("wagtailadmin_pages:add", args=("cms", "newspage", news_index.pk))
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data.update({"category": "briefs", "body-count": "0", **fields})
    return url, data


def submit_news(client, news_index, *, action: str, title="社区图书角开放"):
    url, data = add_news_form(client, news_index, title=title, slug="library")
    data[action] = "1"
    return client.post(url, data)


def test_editor_submits_news_for_approval_but_cannot_publish(client, editor, news_index):
    client.force_login(editor)

    response = submit_news(client, news_index, action="action-submit")

    assert response.status_code == 302
    article = NewsPage.objects.get(slug="library")
    assert not article.live
    assert article.permissions_for_user(editor).can_publish() is False
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(article.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "审核人审批"
    assert client.get("/news/library/").status_code == 404


def test_editor_publish_attempt_leaves_the_page_unpublished(client, editor, news_index):
    client.force_login(editor)

    submit_news(client, news_index, action="action-publish")
    client.logout()

    assert NewsPage.objects.get(slug="library").live is False
    assert client.get("/news/").text.count("社区图书角开放") == 0


def test_approver_approves_and_the_visitor_reads_it(client, editor, approver, news_index):
    client.force_login(editor)
    submit_news(client, news_index, action="action-submit")
    article = NewsPage.objects.get(slug="library")
    task_state = WorkflowState.objects.get(object_id=str(article.pk)).current_task_state

    client.force_login(approver)
    dashboard = client.get("/cms/")
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(article.pk, "approve", task_state.pk))
    )
    client.logout()

    assert "社区图书角开放" in dashboard.content.decode()  # awaiting the approver's review
    assert response.status_code in (200, 302)
    article.refresh_from_db()
    assert article.live
    assert article.permissions_for_user(approver).can_publish() is True
    assert "社区图书角开放" in client.get("/news/").text
    assert "社区图书角开放" in client.get("/news/library/").text


def test_editor_cannot_approve_their_own_submission(client, editor, news_index):
    client.force_login(editor)
    submit_news(client, news_index, action="action-submit")
    article = NewsPage.objects.get(slug="library")
    task_state = WorkflowState.objects.get(object_id=str(article.pk)).current_task_state

    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(article.pk, "approve", task_state.pk))
    )

    assert response.status_code in (302, 403)
    article.refresh_from_db()
    assert not article.live


@pytest.mark.parametrize("username", ["editor", "approver"])
def test_editors_and_approvers_reach_the_cms(client, editor, approver, username):
    client.force_login({"editor": editor, "approver": approver}[username])

    response = client.get("/cms/")

    assert response.status_code == 200
    assert "wagtail" in response.content.decode().lower()


def test_member_cannot_reach_the_merchant_snippets(client, member):
    client.force_login(member)

    response = client.get(reverse("wagtailsnippets_cms_merchant:list"))

    assert response.status_code == 302
    assert "/cms/login/" in response.url


def test_editor_filters_merchants_needing_attention(client, editor, db):
    make_merchant(name="按时检查商家", checked=2, end=300)
    make_merchant(name="超期未检商家", checked=45, end=300)
    make_merchant(name="即将到期商家", checked=2, end=10)
    client.force_login(editor)
    url = reverse("wagtailsnippets_cms_merchant:list")

    due = client.get(url, {"follow_up": "check_due"}).content.decode()
    ending = client.get(url, {"follow_up": "agreement_ending"}).content.decode()

    assert "超期未检商家" in due and "按时检查商家" not in due and "即将到期商家" not in due
    assert "即将到期商家" in ending and "超期未检商家" not in ending


def test_dashboard_reminds_editors_of_merchants_needing_attention(client, editor, db):
    make_merchant(name="超期未检商家", checked=45, end=300)
    make_merchant(name="即将到期商家", checked=2, end=10)
    client.force_login(editor)

    text = client.get("/cms/").content.decode()

    assert "需要跟进的商家" in text
    assert "1 家商家应做月度检查" in text
    assert "1 份协议 30 天内到期" in text


@pytest.mark.parametrize(
    ("model", "parent_fixture"),
    [
        ("newspage", "news_index"),
        ("handbookchapterpage", "handbook"),
        ("offerpage", "offer_index"),
    ],
)
def test_editor_opens_the_add_form_of_each_page_type(client, editor, request, model,
                                                     parent_fixture):  # fmt: skip
    parent = request.getfixturevalue(parent_fixture)
    client.force_login(editor)

    response = client.get(reverse("wagtailadmin_pages:add", args=("cms", model, parent.pk)))

    assert response.status_code == 200
    assert 'name="title"' in response.content.decode()


def test_editor_edits_the_home_page_and_merchants(client, editor, home):
    merchant = make_merchant(name="湖畔咖啡")
    client.force_login(editor)

    home_form = client.get(reverse("wagtailadmin_pages:edit", args=(home.pk,))).content.decode()
    merchant_form = client.get(
        reverse("wagtailsnippets_cms_merchant:edit", args=(merchant.pk,))
    ).content.decode()

    assert 'name="hero_title"' in home_form and 'name="news_count"' in home_form
    assert 'name="agreement_end"' in merchant_form
    assert 'name="qualification_checked_on"' in merchant_form

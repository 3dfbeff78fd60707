"""Editors and approvers read the CMS in Chinese: dashboard, explorer, page edit views with their
side panels and action menu, history, merchants (issue #14). Wagtail 8's own catalogue lacks
many of these strings; locale_vendor/wagtail adds them."""

import pytest
from django.urls import reverse
from wagtail.models import Page, Workflow

from cms.permissions import LeafAwarePagePermissionTester
from tests.cms.admin_text import english_words
from tests.cms.conftest import make_article, make_chapter, make_merchant, make_offer

pytestmark = pytest.mark.django_db

# Names of products and the slug help text's example stay as they are.
ALLOWED = {"wagtail", "cms", "url", "javascript"}


@pytest.fixture
def content(editor, news_index, offer_index, handbook):
    article = make_article(news_index, slug="open-day", title="开放日")
    article.save_revision(user=editor)
    Workflow.objects.get(active=True, name="审核人审批").start(article, editor)
    merchant = make_merchant(name="湖畔咖啡", checked=45, end=20)
    return {
        "article": article,
        "offer": make_offer(offer_index, slug="coffee", title="咖啡优惠", merchant=merchant),
        "chapter": make_chapter(handbook, slug="charter", title="会员章程"),
        "merchant": merchant,
        "news_index": news_index,
    }


def admin_pages(content) -> list[str]:
    article = content["article"]
    return [
        "/cms/",
        reverse("wagtailadmin_explore", args=(Page.get_first_root_node().pk,)),
        reverse("wagtailadmin_explore", args=(content["news_index"].pk,)),
        reverse("wagtailadmin_pages:edit", args=(article.pk,)),
        reverse("wagtailadmin_pages:edit", args=(content["offer"].pk,)),
        reverse("wagtailadmin_pages:edit", args=(content["chapter"].pk,)),
        reverse("wagtailadmin_pages:add", args=("cms", "newspage", content["news_index"].pk)),
        reverse("wagtailadmin_pages:history", args=(article.pk,)),
        reverse("wagtailadmin_pages:workflow_history", args=(article.pk,)),
        reverse("wagtailsnippets_cms_merchant:list"),
        reverse("wagtailsnippets_cms_merchant:edit", args=(content["merchant"].pk,)),
    ]


def test_the_pages_editors_and_approvers_use_hold_no_english(client, editor, approver,
                                                              content):  # fmt: skip
    found = {}
    for user in (editor, approver):
        client.force_login(user)
        for path in admin_pages(content):
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
            assert response.status_code == 200, (user.username, path)
            words = english_words(
                response.content.decode(), allowed=ALLOWED | {editor.username, approver.username}
            )
            if words:
                found[f"{user.username} {path}"] = sorted(words)

    assert found == {}, found


def test_the_check_finds_english_outside_hidden_parts():
    page = (
        "<body><h2>内容指标</h2><p>Reading time</p><div hidden>None</div>"
        "<script>var x = 'Saved';</script><template><p>Autosave</p></template></body>"
    )

    assert english_words(page, allowed=set()) == {"Reading", "time"}


def test_the_action_menu_and_the_approvers_dialogs_speak_chinese(client, editor, approver,
                                                                 content):  # fmt: skip
    article = content["article"]
    client.force_login(editor)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(article.pk,))).content.decode()
    client.force_login(approver)
    dashboard = client.get("/cms/").content.decode()

    assert "审核人审批" in edit and "Approvers approval" not in edit
    assert "内容指标" in edit and "Content metrics" not in edit
    assert "等待你的审查" in dashboard and "Awaiting your review" not in dashboard
    assert "开放日" in dashboard


def test_the_root_of_the_page_tree_has_a_chinese_title(db):
    assert Page.get_first_root_node().title == "全部站点"


def test_the_merchant_panel_is_drawn_like_wagtails_own_dashboard_panels(client, editor, content):
    make_merchant(name="即将到期商家", checked=2, end=10)
    client.force_login(editor)

    page = client.get("/cms/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    start = page.index('data-testid="merchant-follow-up"')
    panel = page[page.rindex("<section", 0, start) : page.index("</section>", start)]
    assert 'class="w-panel w-panel--dashboard"' in panel
    assert 'id="merchant-follow-up-section"' in panel
    assert "需要跟进的商家" in panel
    assert 'class="listing listing--dashboard"' in panel
    assert "1 家商家应做月度检查" in panel
    assert "2 份协议 30 天内到期" in panel
    assert "?follow_up=check_due" in panel and "?follow_up=agreement_ending" in panel
    assert "w-status--primary" in panel


def test_the_merchant_panel_is_not_shown_to_a_member_without_merchant_rights(client, member):
    client.force_login(member)

    response = client.get("/cms/")

    assert response.status_code == 302  # no admin access at all
    assert "需要跟进的商家" not in response.content.decode()


def test_an_editor_may_delete_a_draft_leaf_but_not_a_live_one(editor, approver, content):
    offer = content["offer"]  # live, without children
    draft = make_article(content["news_index"], slug="draft", title="草稿")
    draft.unpublish()
    draft.refresh_from_db()

    assert isinstance(offer.permissions_for_user(editor), LeafAwarePagePermissionTester)
    assert offer.permissions_for_user(editor).can_delete() is False
    assert draft.permissions_for_user(editor).can_delete() is True
    # The approver (who may publish) keeps Wagtail's own answer.
    assert offer.permissions_for_user(approver).can_delete() is True

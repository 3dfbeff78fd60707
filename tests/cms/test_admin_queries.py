"""The CMS pages editors and approvers open cost the same number of queries whatever the
amount of content: the dashboard, the explorer and each edit view, measured with N pages,
merchants and offers, then with 3N (issue #22).

Not covered, and measured in docs/benchmarks.md: each page awaiting review costs Wagtail one
more query in the approver's "Awaiting your review" panel and in its explorer row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Workflow

from tests.cms.conftest import make_article, make_chapter, make_merchant, make_offer

pytestmark = pytest.mark.django_db


def add_content(*, start, count, news_index, offer_index, handbook, editor, submit=False):
    """``count`` more articles (submitted for approval with ``submit``), chapters, merchants
    and offers."""
    workflow = Workflow.objects.get(active=True, name="审核人审批")
    for i in range(start, start + count):
        article = make_article(news_index, slug=f"news-{i}", title=f"新闻{i}")
        if submit:
            article.title = f"新闻{i}（修改）"
            article.save_revision(user=editor)
            workflow.start(article, editor)
        make_chapter(handbook, slug=f"chapter-{i}", title=f"章节{i}")
        merchant = make_merchant(name=f"商家{i}", checked=45, end=20)
        make_offer(offer_index, slug=f"offer-{i}", title=f"优惠{i}", merchant=merchant)


def queries(client, path) -> int:
    client.get(path)  # warm per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


def admin_paths(news_index, offer_index, handbook) -> dict[str, str]:
    first = {
        "news": news_index.get_children().first(),
        "offer": offer_index.get_children().first(),
        "handbook": handbook.get_children().first(),
    }
    paths = {
        "dashboard": "/cms/",
        "explore-news": reverse("wagtailadmin_explore", args=(news_index.pk,)),
        "explore-offers": reverse("wagtailadmin_explore", args=(offer_index.pk,)),
        "merchants": reverse("wagtailsnippets_cms_merchant:list"),
    }
    for name, page in first.items():
        paths[f"edit-{name}"] = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    return paths


def test_admin_pages_cost_the_same_queries_with_three_times_the_content(
    client, editor, approver, news_index, offer_index, handbook
):
    # Arrange
    world = {"news_index": news_index, "offer_index": offer_index, "handbook": handbook}
    add_content(start=0, count=1, editor=editor, submit=True, **world)
    paths = admin_paths(**world)
    users = {"editor": editor, "approver": approver}

    def measure() -> dict[str, int]:
        counts = {}
        for role, user in users.items():
            client.force_login(user)
            counts |= {f"{role} {name}": queries(client, path) for name, path in paths.items()}
        return counts

    before = measure()

    # Act
    add_content(start=1, count=2, editor=editor, **world)
    after = measure()

    # Assert
    assert after == before
    client.force_login(approver)
    dashboard = client.get("/cms/").content.decode()
    assert "新闻0（修改）" in dashboard  # the submission awaits the approver
    assert "3 家商家应做月度检查" in dashboard

from datetime import date

import pytest
from machina.apps.forum_conversation.models import Topic

from bench.targets import discover
from cms.models import NewsPage
from portal.loaddata.core import LoadPlan, generate

PLAN = LoadPlan(
    members=60, topics=30, posts=300, seed=5, projects=3, until=date(2026, 1, 1), progress=False
)


@pytest.fixture
def targets(db):
    generate(PLAN, write=lambda _line: None)
    return discover()


def test_targets_point_at_pages_the_benchmark_can_load(targets, client):
    board = client.get(targets["board"])
    assert board.status_code == 200
    assert "互助" in board.content.decode()

    assert targets["load_data"]
    assert targets["posts"] == PLAN.posts
    assert targets["topic_posts"] >= 20
    assert client.login(username=targets["member"], password=PLAN.password)
    topic_page = client.get(targets["topic_20_posts"])
    assert topic_page.status_code == 200
    topic = Topic.objects.get(pk=topic_page.context["topic"].pk)
    assert topic.posts_count == targets["topic_posts"]
    assert topic.subject in topic_page.content.decode()


def test_the_news_article_target_is_a_generated_article_a_visitor_may_read(targets, client):
    newest = NewsPage.objects.live().order_by("-first_published_at").first()

    response = client.get(targets["news_article"])

    assert targets["news_article"] == newest.url
    assert response.status_code == 200
    assert newest.title in response.content.decode()


def test_the_topic_target_is_a_public_topic_a_visitor_may_read(targets, client):
    response = client.get(targets["topic_20_posts"])

    assert response.status_code == 200
    assert not Topic.objects.filter(
        pk=response.context["topic"].pk, visibility__staff_only=True
    ).exists()

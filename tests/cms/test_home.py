def test_home_page_is_the_themed_chinese_home(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert "欢迎来到客户会" in response.text
    for label in ("首页", "新闻", "会员手册", "商家优惠", "论坛", "搜索", "登录"):
        assert label in response.text
    assert "cdn" not in response.text.lower()


def test_unknown_page_gets_the_themed_404(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "页面不存在" in response.text
    assert "site-header" in response.text


def test_member_cannot_reach_the_cms(client, member):
    client.force_login(member)

    response = client.get("/cms/")

    assert response.status_code == 302
    assert "/cms/login/" in response.url


def test_admin_reaches_the_cms(client, staff_admin):
    client.force_login(staff_admin)

    assert client.get("/cms/").status_code == 200


# --- The home page's sections -------------------------------------------------------------
import pytest  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from forum.boards.models import Board  # noqa: E402
from tests.cms.conftest import make_article, make_merchant, make_offer  # noqa: E402
from tests.conftest import make_topic  # noqa: E402


@pytest.fixture
def home_content(news_index, offer_index, boards, project_a, member):
    cafe = make_merchant(name="湖畔咖啡")
    make_article(news_index, slug="open-day", title="春季开放日报名开启")
    make_offer(offer_index, slug="coffee", title="咖啡会员日", merchant=cafe)
    make_offer(offer_index, slug="old", title="过期的早鸟价", merchant=cafe, start=-20, end=-1)
    make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="推荐钢琴老师")
    make_topic(forum=project_a.owners_board.forum, poster=member, subject="一期电梯维保进度")


def test_home_shows_latest_news_offers_today_and_forum_topics(client, home_content):
    text = client.get("/").text

    assert "春季开放日报名开启" in text
    assert "咖啡会员日" in text
    assert "过期的早鸟价" not in text
    assert "推荐钢琴老师" in text
    assert "一期电梯维保进度" not in text  # owners' board: not for visitors


def test_home_shows_owners_board_topics_to_its_owners(client, home_content, owner_a):
    client.force_login(owner_a)

    assert "一期电梯维保进度" in client.get("/").text


def test_home_offers_each_way_in_once_and_joining_only_to_visitors(
    client, home_content, boards, member
):
    complaints = boards[Board.Kind.COMPLAINTS].forum
    complaints_url = reverse("forum:forum", kwargs={"slug": complaints.slug, "pk": complaints.pk})

    text = client.get("/").text

    assert "<title>客户会</title>" in text  # not "客户会 · 客户会"
    assert text.count('href="/accounts/signup/"') == 2  # the hero's button and the header's
    assert text.count('href="/handbook/"') == 2  # the hero's button and the main menu
    assert f'href="{complaints_url}">我要投诉' in text

    client.force_login(member)
    text = client.get("/").text
    assert 'href="/accounts/signup/"' not in text and "加入客户会" not in text
    assert f'href="{complaints_url}">我要投诉' in text
    assert 'href="/me/">个人中心' in text


def test_a_news_card_without_a_cover_keeps_its_place(client, home_content):
    text = client.get("/").text

    card = text[text.index('<article class="cms-card">') :]
    card = card[: card.index("</article>")]
    assert "春季开放日报名开启" in card
    assert 'class="cms-card__placeholder" aria-hidden="true">' in card


def test_home_query_count_does_not_grow_with_content(client, home_content, news_index,
                                                      offer_index, boards, member):  # fmt: skip
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    count_queries()  # warm per-process caches (content types, site root) first
    before = count_queries()
    cafe = make_merchant(name="乐活健身")
    for number in range(3):
        make_article(news_index, slug=f"more-{number}", title=f"更多新闻{number}")
        make_offer(offer_index, slug=f"more-{number}", title=f"更多优惠{number}", merchant=cafe)
        make_topic(forum=boards[Board.Kind.COMMUNITY].forum, poster=member,
                   subject=f"更多话题{number}")  # fmt: skip

    assert count_queries() == before


def test_visitor_home_creates_no_session(client, home_content):
    response = client.get("/")

    assert "sessionid" not in response.cookies

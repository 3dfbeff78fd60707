import re

from wagtail.rich_text import RichText

from cms.models import NewsCategory
from tests.cms.conftest import make_article


def test_news_index_lists_articles_newest_first_with_categories(client, news_index):
    make_article(news_index, slug="old", title="中秋邻里家宴回顾", days_ago=20,
                 category=NewsCategory.EVENTS)  # fmt: skip
    make_article(news_index, slug="new", title="春季开放日报名开启", days_ago=1)

    response = client.get("/news/")

    assert response.status_code == 200
    text = response.text
    assert text.index("春季开放日报名开启") < text.index("中秋邻里家宴回顾")
    for label in ("新闻早知道", "生活资讯", "活动回顾"):
        assert label in text
    assert 'href="/news/rss/"' in text


def test_news_index_filters_by_category(client, news_index):
    make_article(news_index, slug="run", title="公益夜跑回顾", category=NewsCategory.EVENTS)
    make_article(news_index, slug="damp", title="防潮小贴士", category=NewsCategory.LIVING)

    response = client.get("/news/?category=living")

    assert "防潮小贴士" in response.text
    assert "公益夜跑回顾" not in response.text


def test_news_index_paginates(client, news_index):
    for number in range(12):
        make_article(news_index, slug=f"item-{number}", title=f"第{number:02d}条新闻",
                     days_ago=number)  # fmt: skip

    first = client.get("/news/")
    second = client.get("/news/?page=2")

    assert "第00条新闻" in first.text
    assert "第11条新闻" not in first.text
    assert "第11条新闻" in second.text
    assert "第 2 页，共 2 页" in second.text


def test_unpublished_article_is_not_listed(client, news_index):
    draft = make_article(news_index, slug="draft", title="尚未发布的新闻")
    draft.unpublish()

    assert "尚未发布的新闻" not in client.get("/news/").text
    assert client.get("/news/draft/").status_code == 404


def test_article_page_shows_body_blocks_meta_and_related(client, news_index):
    table = {
        "data": [["项目", "新积分"], ["推荐入会", "500"]],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": "",
    }
    article = make_article(
        news_index,
        slug="points",
        title="积分规则调整说明",
        body=[
            ("heading", "主要变化"),
            ("paragraph", RichText("<p>推荐入会可获得更多积分。</p>")),
            ("quote", {"text": "远亲不如近邻", "attribution": "业主代表"}),
            ("table", table),
        ],
    )
    article.search_description = "积分规则的SEO描述"
    article.save_revision().publish()
    make_article(news_index, slug="other", title="另一条新闻早知道")

    response = client.get("/news/points/")

    text = response.text
    assert response.status_code == 200
    assert "<title>积分规则调整说明 · 客户会</title>" in text
    assert 'content="积分规则的SEO描述"' in text
    assert "主要变化" in text
    assert "推荐入会可获得更多积分。" in text
    assert "远亲不如近邻" in text and "业主代表" in text
    assert re.search(r"<th[^>]*>\s*推荐入会\s*</th>|<td[^>]*>\s*推荐入会\s*</td>", text)
    assert re.search(r"<td[^>]*>\s*500\s*</td>", text)
    assert "相关文章" in text and "另一条新闻早知道" in text


def test_rss_and_atom_feeds_list_articles(client, news_index):
    make_article(news_index, slug="open-day", title="春季开放日报名开启")

    rss = client.get("/news/rss/")
    atom = client.get("/news/atom/")

    assert rss["Content-Type"].startswith("application/rss+xml")
    assert "<title>春季开放日报名开启</title>" in rss.text
    assert "/news/open-day/" in rss.text
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "春季开放日报名开启" in atom.text


def test_visitor_reading_news_gets_no_session(client, news_index):
    make_article(news_index, slug="open-day", title="春季开放日报名开启")

    for url in ("/news/", "/news/open-day/"):
        response = client.get(url)
        assert "sessionid" not in response.cookies


def test_cover_image_is_served_as_renditions(client, news_index, settings, tmp_path):
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PillowImage
    from wagtail.images import get_image_model

    settings.MEDIA_ROOT = str(tmp_path)
    buffer = io.BytesIO()
    PillowImage.new("RGB", (1600, 1000), (46, 110, 168)).save(buffer, format="JPEG")
    cover = get_image_model().objects.create(
        title="开放日封面", file=ImageFile(buffer, name="cover.jpg")
    )
    article = make_article(news_index, slug="open-day", title="春季开放日报名开启")
    article.cover_image = cover
    article.save_revision().publish()

    page_text = client.get("/news/open-day/").text
    list_text = client.get("/news/").text

    assert re.search(
        r'<img class="cms-cover" src="/media/images/cover\.[^"]*fill-1200x630', page_text
    )
    assert 'width="1200" height="630"' in page_text
    assert re.search(r'src="/media/images/cover\.[^"]*fill-400x225', list_text)

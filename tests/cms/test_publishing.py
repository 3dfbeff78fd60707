"""Scheduled publishing and expiry (publish_scheduled), previews and revisions."""

import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import querydict_from_html

from cms.models import NewsPage
from tests.cms.conftest import make_article


def test_publish_scheduled_publishes_due_pages_and_unpublishes_expired(client, news_index):
    now = timezone.now()
    scheduled = NewsPage(title="定时发布的新闻", slug="scheduled", summary="定时", live=False)
    news_index.add_child(instance=scheduled)
    scheduled.save_revision(approved_go_live_at=now - datetime.timedelta(minutes=1))
    expiring = make_article(news_index, slug="expiring", title="即将下线的新闻")
    expiring.expire_at = now - datetime.timedelta(minutes=1)
    expiring.save()
    before = client.get("/news/").text

    call_command("publish_scheduled")

    after = client.get("/news/").text
    assert "定时发布的新闻" not in before and "即将下线的新闻" in before
    assert "定时发布的新闻" in after
    assert "即将下线的新闻" not in after
    assert client.get("/news/expiring/").status_code == 404


def test_editor_previews_a_draft_change_and_it_is_kept_as_a_revision(client, editor, news_index):
    article = make_article(news_index, slug="open-day", title="春季开放日报名开启")
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=(article.pk,))
    data = querydict_from_html(client.get(edit_url).content.decode(), form_id="page-edit-form")
    data.update({"title": "春季开放日报名开启（更新）", "body-count": "0"})
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))

    check = client.post(preview_url, data)
    preview = client.get(preview_url)
    client.post(edit_url, data)  # save draft
    client.logout()

    assert check.json()["is_valid"] is True
    assert "春季开放日报名开启（更新）" in preview.content.decode()
    assert article.revisions.count() == 2
    public = client.get("/news/open-day/").text
    assert "春季开放日报名开启（更新）" not in public  # a draft until approved


def test_home_page_preview_shows_its_sections(client, editor, home, news_index):
    make_article(news_index, slug="open-day", title="春季开放日报名开启")
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=(home.pk,))
    data = querydict_from_html(client.get(edit_url).content.decode(), form_id="page-edit-form")
    data.update({"hero_title": "预览中的新横幅", "featured-count": "0", "extra_links-count": "0"})
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(home.pk,))

    client.post(preview_url, data)
    preview = client.get(preview_url).content.decode()

    assert "预览中的新横幅" in preview
    assert "春季开放日报名开启" in preview

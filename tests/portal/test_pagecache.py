"""The page cache for visitors (portal.pagecache): hits, what is never stored, invalidation."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse
from django.utils.autoreload import file_changed
from django.utils.cache import patch_cache_control, patch_vary_headers
from machina.apps.forum_conversation.models import Post, Topic
from machina.apps.forum_permission.models import ForumPermission, UserForumPermission

from cms.models import HandbookIndexPage, HomePage, Merchant, NewsIndexPage
from forum.boards.models import AcceptedAnswer, Board, TopicVisibility
from forum.cases.models import Case
from portal.members.models import MemberProfile
from portal.pagecache import services
from portal.pagecache.middleware import _response_storable
from tests.cms.conftest import make_article, make_chapter, make_merchant, publish_child
from tests.conftest import make_topic
from tests.factories import TEST_PASSWORD, UserFactory
from tests.forum.conftest import forum_url, private_complaint_make, topic_url, trust
from tests.forum.test_posting import create_url, reply_url, topic_data

HEADER = "X-Page-Cache"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def help_topic(boards, member):
    return make_topic(
        forum=boards[Board.Kind.MUTUAL_HELP].forum,
        poster=member,
        subject="电梯总是停在顶楼",
        content="物业能否调整电梯待机楼层",
    )


@pytest.fixture
def news_index(db):
    return publish_child(HomePage.objects.get(), NewsIndexPage(title="新闻早知道", slug="news"))


@pytest.fixture
def chapters(db):
    handbook = publish_child(
        HomePage.objects.get(), HandbookIndexPage(title="会员手册", slug="handbook")
    )
    return {
        "charter": make_chapter(handbook, slug="charter", title="会员章程"),
        "points": make_chapter(
            handbook, slug="points", title="积分规则", members_only=True, text="推荐入会得500积分"
        ),
    }


def visit(url):
    """A visitor's request: a fresh client, so no cookie from an earlier request."""
    return Client().get(url)


# --- Hits ---------------------------------------------------------------------------------
@pytest.mark.parametrize("page", ["home", "forum index", "board", "topic", "news"])
def test_second_visitor_gets_the_same_page_from_the_cache_without_sql(
    page, help_topic, news_index, django_assert_num_queries
):
    make_article(news_index, slug="open-day", title="春季开放日报名开启")
    url = {
        "home": "/",
        "forum index": "/forum/",
        "board": forum_url(help_topic.forum),
        "topic": topic_url(help_topic),
        "news": "/news/open-day/",
    }[page]

    first = visit(url)
    with django_assert_num_queries(0):
        second = visit(url)

    assert first.status_code == second.status_code == 200
    assert first[HEADER] == "miss" and second[HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Language"] == "zh-hans"
    assert not second.cookies


def test_query_parameters_in_any_order_are_one_page_and_other_values_another(boards):
    visit("/forum/?a=1&b=2")

    assert visit("/forum/?b=2&a=1")[HEADER] == "hit"
    assert visit("/forum/?a=1&b=3")[HEADER] == "miss"
    assert visit("/forum/")[HEADER] == "miss"


def test_head_is_answered_from_the_cache(boards):
    get = visit("/forum/")

    head = Client().head("/forum/")

    assert head.status_code == 200 and head[HEADER] == "hit"
    assert head["Content-Length"] == get["Content-Length"]
    assert head.content == b""


def test_a_head_request_does_not_store_the_page(boards):
    Client().head("/forum/")

    assert visit("/forum/")[HEADER] == "miss"


def test_switched_off_nothing_is_cached(settings, boards):
    settings.PAGE_CACHE = False
    visit("/forum/")

    response = visit("/forum/")

    assert HEADER not in response
    assert response.status_code == 200


# --- Languages ----------------------------------------------------------------------------
def test_language_cookie_selects_the_cached_language(db):
    english = Client()
    english.cookies["kehuhui_language"] = "en"
    chinese = Client()
    chinese.cookies["kehuhui_language"] = "zh-hans"

    first_en, first_zh = english.get("/"), chinese.get("/")
    second_en, second_zh, plain = english.get("/"), chinese.get("/"), visit("/")

    assert first_en[HEADER] == first_zh[HEADER] == "miss"
    assert second_en[HEADER] == second_zh[HEADER] == plain[HEADER] == "hit"
    assert second_en["Content-Language"] == "en" and "Member handbook" in second_en.text
    assert second_zh["Content-Language"] == "zh-hans" and "会员手册" in second_zh.text
    assert plain.content == second_zh.content


def test_unknown_language_cookie_gets_the_chinese_page(db):
    visit("/")
    odd = Client()
    odd.cookies["kehuhui_language"] = "fr"

    response = odd.get("/")

    assert response[HEADER] == "hit" and "会员手册" in response.text


# --- Members and personal pages -----------------------------------------------------------
def test_member_is_never_served_the_visitors_page(client, member, boards):
    visit("/")
    client.force_login(member)

    response = client.get("/")

    assert HEADER not in response
    assert "热心会员" in response.text


def test_members_page_is_never_stored_for_visitors(client, member, boards):
    client.force_login(member)
    client.get("/")
    client.get("/forum/")

    home, forum = visit("/"), visit("/forum/")

    assert home[HEADER] == forum[HEADER] == "miss"
    assert "热心会员" not in home.text and "热心会员" not in forum.text
    assert visit("/")[HEADER] == "hit"


def test_a_session_cookie_bypasses_the_cache_even_without_a_login(db):
    visit("/")
    reader = Client()
    reader.cookies["sessionid"] = "no-such-session"

    response = reader.get("/")

    assert HEADER not in response
    assert response.status_code == 200


def test_a_pending_message_bypasses_the_cache(client, member, db):
    visit("/")
    client.force_login(member)
    client.post(reverse("account_logout"))  # "You have signed out." waits in a cookie

    response = client.get("/")

    assert HEADER not in response
    assert visit("/")[HEADER] == "hit"


def test_staff_only_complaint_never_reaches_visitors(client, boards, member, moderator):
    topic = private_complaint_make(boards=boards, poster=member, subject="我家门牌号被泄露")
    board = forum_url(topic.forum)
    client.force_login(moderator)
    assert "我家门牌号被泄露" in client.get(board).text
    assert client.get(topic_url(topic)).status_code == 200

    for attempt in ("miss", "hit"):
        listing = visit(board)
        assert listing[HEADER] == attempt
        assert "我家门牌号被泄露" not in listing.text
        assert "我家门牌号被泄露" not in visit("/").text
        page = visit(topic_url(topic))
        assert page.status_code != 200 and page[HEADER] == "miss"


def test_members_only_chapter_is_never_cached_for_visitors(client, chapters, member):
    client.force_login(member)
    assert "推荐入会得500积分" in client.get("/handbook/points/").text

    for _attempt in range(2):
        response = visit("/handbook/points/")
        assert response.status_code == 302 and response[HEADER] == "miss"
        assert response.url == "/accounts/login/?next=/handbook/points/"
        # The visitor's table of contents lists the chapter locked, never its text.
        toc = visit("/handbook/").text
        assert "推荐入会得500积分" not in toc and 'data-testid="toc-lock"' in toc


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=物业",
        "/accounts/login/",
        "/accounts/signup/",
        "/healthz",
        "/me/",
        "/triage/",
        "/forum/club/notifications/",
    ],
)
def test_excluded_paths_are_never_cached(url, boards):
    visit(url)

    response = visit(url)

    assert HEADER not in response


def test_forum_write_and_personal_urls_are_excluded(help_topic):
    from portal.pagecache.middleware import _path_excluded

    post = help_topic.first_post
    kwargs = {"forum_slug": help_topic.forum.slug, "forum_pk": help_topic.forum.pk}
    topic_kwargs = {**kwargs, "topic_slug": help_topic.slug, "topic_pk": help_topic.pk}
    writes = [
        reverse("forum_conversation:topic_create", kwargs=kwargs),
        reverse(
            "forum_conversation:topic_update",
            kwargs={**kwargs, "slug": help_topic.slug, "pk": help_topic.pk},
        ),
        reverse("forum_conversation:post_create", kwargs=topic_kwargs),
        reverse("forum_conversation:post_update", kwargs={**topic_kwargs, "pk": post.pk}),
        reverse("forum_conversation:post_delete", kwargs={**topic_kwargs, "pk": post.pk}),
        reverse("forum_member:profile", kwargs={"pk": help_topic.poster_id}),
        reverse("forum_member:user_subscriptions"),
        reverse("forum_tracking:mark_all_forums_read"),
        reverse("forum_moderation:topic_lock", kwargs={"slug": help_topic.slug, "pk": 1}),
        reverse("boards:answer_accept", kwargs={"pk": post.pk}),
    ]

    assert [url for url in writes if not _path_excluded(url)] == []
    assert not _path_excluded(topic_url(help_topic))
    assert not _path_excluded(forum_url(help_topic.forum))


# --- Responses that are not stored (a page of this module's own URLs) ---------------------
def _sets_cookie(request):
    response = HttpResponse("with a cookie")
    response.set_cookie("visited", "1")
    return response


def _private(request):
    response = HttpResponse("private")
    patch_cache_control(response, private=True)
    return response


def _varies_by_agent(request):
    response = HttpResponse("for this browser")
    patch_vary_headers(response, ["User-Agent"])
    return response


def _signed_in_without_session(request):
    # As an authentication by header or token would: a user, and no session cookie.
    request.user = get_user_model().objects.get(username="member1")
    return HttpResponse(f"hello {request.user.public_name}")


def _renders_then_a_change_commits(request):
    # A slow render racing an editor: the page is built from the data before the change.
    count = Merchant.objects.count()
    make_merchant(name=f"商家{count}")
    return HttpResponse(f"merchants before: {count}")


def _plain(request):
    return HttpResponse("plain")


def _not_found(request):
    return HttpResponse("no such page", status=404)


def _streamed(request):
    return StreamingHttpResponse(iter(["a long ", "export"]))


def _with_cache_control(value):
    def view(request):
        response = HttpResponse(f"cache-control {value}")
        response["Cache-Control"] = value
        return response

    return view


def _raw_set_cookie(request):
    # A cookie written as a raw header (as a proxy-aware library might), not by set_cookie().
    response = HttpResponse("raw cookie")
    response["Set-Cookie"] = "tracker=1; Path=/"
    return response


def _with_vary(value):
    def view(request):
        response = HttpResponse(f"vary {value}")
        response["Vary"] = value
        return response

    return view


urlpatterns = [
    path("sets-cookie/", _sets_cookie),
    path("private/", _private),
    path("varies/", _varies_by_agent),
    path("signed-in/", _signed_in_without_session),
    path("racing/", _renders_then_a_change_commits),
    path("plain/", _plain),
    path("not-found/", _not_found),
    path("streamed/", _streamed),
    path("no-store/", _with_cache_control("max-age=60, No-Store")),
    path("no-cache/", _with_cache_control("no-cache")),
    path("private-spaced/", _with_cache_control("public ,  PRIVATE")),
    path("private-field/", _with_cache_control('private="Authorization", max-age=60')),
    path("raw-set-cookie/", _raw_set_cookie),
    path("shared/", _with_cache_control("public, max-age=60")),
    path("varies-cookie/", _with_vary("Cookie")),
    path("varies-encoding/", _with_vary("Cookie, Accept-Encoding")),
    path("varies-all/", _with_vary("*")),
    path("", include("portal.urls")),
]


@pytest.mark.parametrize("url", ["/sets-cookie/", "/private/", "/varies/", "/signed-in/"])
def test_responses_with_cookies_private_varying_or_for_a_user_are_not_stored(url, settings, member):
    settings.ROOT_URLCONF = __name__
    visit(url)

    response = visit(url)

    assert response[HEADER] == "miss"
    assert visit("/plain/")[HEADER] == "miss" and visit("/plain/")[HEADER] == "hit"


# --- Invalidation -------------------------------------------------------------------------
def test_new_topic_and_reply_reach_home_board_and_topic(
    client, boards, member, help_topic, django_capture_on_commit_callbacks
):
    board, topic = forum_url(help_topic.forum), topic_url(help_topic)
    for url in ("/", board, topic):
        visit(url)
        assert visit(url)[HEADER] == "hit"
    client.force_login(trust(member))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reply_url(help_topic), topic_data("回复", content="已经反映给物业前台"))
    after_reply = visit(topic)
    with django_capture_on_commit_callbacks(execute=True):
        # another member: one post per 15 seconds each
        neighbour = Client()
        neighbour.force_login(trust(UserFactory(username="neighbour")))
        neighbour.post(create_url(help_topic.forum), topic_data("小区快递柜坏了"))
    home, listing = visit("/"), visit(board)

    assert after_reply[HEADER] == "miss" and "已经反映给物业前台" in after_reply.text
    assert home[HEADER] == listing[HEADER] == "miss"
    assert "小区快递柜坏了" in home.text and "小区快递柜坏了" in listing.text


def test_publishing_news_reaches_the_home_page_and_news_list(
    news_index, django_capture_on_commit_callbacks
):
    for url in ("/", "/news/"):
        visit(url)

    with django_capture_on_commit_callbacks(execute=True):
        make_article(news_index, slug="open-day", title="春季开放日报名开启")

    assert "春季开放日报名开启" in visit("/").text
    assert "春季开放日报名开启" in visit("/news/").text


def test_unpublishing_news_takes_it_off(news_index, django_capture_on_commit_callbacks):
    article = make_article(news_index, slug="open-day", title="春季开放日报名开启")
    visit("/news/")

    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()

    assert "春季开放日报名开启" not in visit("/news/").text
    assert visit("/news/open-day/").status_code == 404


def test_making_a_chapter_members_only_takes_it_from_visitors(
    chapters, django_capture_on_commit_callbacks
):
    charter = chapters["charter"]
    assert visit("/handbook/charter/").status_code == 200
    assert visit("/handbook/charter/")[HEADER] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        charter.members_only = True
        charter.save_revision().publish()

    assert visit("/handbook/charter/").status_code == 302


def test_a_change_invalidates_only_after_its_commit(help_topic, django_capture_on_commit_callbacks):
    visit("/forum/")
    before = services.page_cache_generation()

    with django_capture_on_commit_callbacks() as callbacks:
        Topic.objects.get(pk=help_topic.pk).delete()
    during = services.page_cache_generation()
    served_during = visit("/forum/")
    for callback in callbacks:
        callback()

    assert during == before and served_during[HEADER] == "hit"
    assert services.page_cache_generation() > before
    assert visit("/forum/")[HEADER] == "miss"


def _merchant_saved(ctx):
    merchant = Merchant.objects.get(name="老街面馆")
    merchant.city = "杭州"
    merchant.save()


def _merchant_deleted(ctx):
    Merchant.objects.get(name="老街面馆").delete()


def _made_staff_only(ctx):
    TopicVisibility.objects.create(topic=ctx["topic"], staff_only=True)


def _answer_accepted(ctx):
    AcceptedAnswer.objects.create(topic=ctx["topic"], post=ctx["reply"])


def _case_status(ctx):
    case = Case.objects.get(topic=ctx["topic"])
    case.set_status(Case.Status.CLOSED)
    case.save()


def _permission_granted(ctx):
    UserForumPermission.objects.create(
        permission=ForumPermission.objects.get(codename="can_reply_to_topics"),
        forum=ctx["topic"].forum,
        anonymous_user=True,
        has_perm=True,
    )


def _display_name(ctx):
    ctx["member"].display_name = "改名的会员"
    ctx["member"].save()


def _level_badge_hidden(ctx):
    profile = MemberProfile.objects.get(user=ctx["member"])
    profile.show_level_badge = False
    profile.save()


def _owner_group(ctx):
    ctx["member"].groups.add(ctx["project"].owners_group)


def _board_moved(ctx):
    forum = ctx["topic"].forum
    forum.name = "邻里互助"
    forum.save()


@pytest.mark.parametrize(
    "change",
    [
        _merchant_saved,
        _merchant_deleted,
        _made_staff_only,
        _answer_accepted,
        _case_status,
        _permission_granted,
        _display_name,
        _level_badge_hidden,
        _owner_group,
        _board_moved,
    ],
    ids=lambda change: change.__name__.strip("_"),
)
def test_changes_visitors_can_see_invalidate(
    change, help_topic, member, project_a, django_capture_on_commit_callbacks
):
    make_merchant(name="老街面馆")
    reply = Post.objects.create(topic=help_topic, poster=member, subject="回", content="试试")
    Case.objects.get_or_create(topic=help_topic)
    visit("/forum/")
    assert visit("/forum/")[HEADER] == "hit"
    ctx = {"topic": help_topic, "reply": reply, "member": member, "project": project_a}

    with django_capture_on_commit_callbacks(execute=True):
        change(ctx)

    assert visit("/forum/")[HEADER] == "miss"


def test_a_login_changes_no_page(client, member, boards, django_capture_on_commit_callbacks):
    visit("/forum/")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_login"), {"login": "member1", "password": TEST_PASSWORD})
    assert client.get("/").context["user"] == member

    assert visit("/forum/")[HEADER] == "hit"


def test_page_cache_clear_command_drops_every_page(boards):
    visit("/forum/")

    call_command("page_cache_clear")

    assert visit("/forum/")[HEADER] == "miss"


def test_an_edited_template_under_runserver_drops_every_page(settings, boards):
    template = settings.THEME_DIR / "templates" / "base.html"
    visit("/forum/")

    results = file_changed.send(sender=None, file_path=template)

    assert visit("/forum/")[HEADER] == "miss"
    # A truthy answer would stop runserver from restarting on a changed Python file.
    assert not any(
        result for receiver, result in results if receiver.__module__.startswith("portal")
    )


def test_another_processs_change_is_seen_when_the_workers_copy_is_due(settings, boards):
    visit("/forum/")  # reads the shared generation (PAGE_CACHE_CHECK_SECONDS is 0 in tests)
    settings.PAGE_CACHE_CHECK_SECONDS = 3600

    cache.incr(services.GENERATION_KEY)  # what page_cache_invalidate() in another process does
    while_copy_is_fresh = visit("/forum/")
    settings.PAGE_CACHE_CHECK_SECONDS = 0  # the copy is due
    once_due = visit("/forum/")

    assert while_copy_is_fresh[HEADER] == "hit"
    assert once_due[HEADER] == "miss"


def test_this_processs_own_change_is_seen_at_once(settings, boards):
    visit("/forum/")
    settings.PAGE_CACHE_CHECK_SECONDS = 3600

    services.page_cache_invalidate()

    assert visit("/forum/")[HEADER] == "miss"
    assert visit("/forum/")[HEADER] == "hit"


def test_a_lost_generation_starts_above_every_earlier_one(boards):
    visit("/forum/")
    before = services.page_cache_generation()
    cache.delete(services.GENERATION_KEY)

    services.page_cache_invalidate()

    assert services.page_cache_generation() > before
    assert visit("/forum/")[HEADER] == "miss"


# --- Real commits (transactional; serialized_rollback keeps the migrations' data) ----------
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reply_reaches_visitors_as_soon_as_it_commits(client, boards, member, help_topic):
    url = topic_url(help_topic)
    visit(url)
    assert visit(url)[HEADER] == "hit"
    client.force_login(trust(member))

    client.post(reply_url(help_topic), topic_data("回复", content="已经反映给物业前台"))
    response = visit(url)

    assert response[HEADER] == "miss" and "已经反映给物业前台" in response.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_rendered_before_a_change_is_never_served_after_it(settings):
    settings.ROOT_URLCONF = __name__

    first = visit("/racing/")
    second = visit("/racing/")

    assert first.text == "merchants before: 0"
    assert second[HEADER] == "miss" and second.text == "merchants before: 1"


# The page key and the generation, directly (killing the mutants `make mutation` found alive:
# docs/mutation.md).


def _key(rf, url, **extra):
    return services.page_key(request=rf.get(url, **extra))


def test_page_key_keeps_the_order_of_one_names_values_and_blank_values(rf, settings):
    settings.ALLOWED_HOSTS = ["club.example.com", "testserver"]
    assert _key(rf, "/news/?a=1&b=2") == _key(rf, "/news/?b=2&a=1")
    # ?tag=1&tag=2 may mean something else than ?tag=2&tag=1 to a view: two pages.
    assert _key(rf, "/news/?tag=1&tag=2") != _key(rf, "/news/?tag=2&tag=1")
    # A blank parameter is a parameter (?q= renders the empty search, not the page without q).
    assert _key(rf, "/news/?q=") != _key(rf, "/news/")
    assert _key(rf, "/news/") != _key(rf, "/news/", HTTP_HOST="club.example.com")
    assert _key(rf, "/news/") != _key(rf, "/offers/")
    assert _key(rf, "/news/").startswith(services.PAGE_KEY_PREFIX)


def test_a_missing_generation_comes_back_as_a_larger_whole_number(db):
    first = services.page_cache_generation()
    assert isinstance(first, int)
    cache.delete(services.GENERATION_KEY)
    services.page_cache_invalidate()  # the key is gone: a fresh number, stored and remembered
    stored = cache.get(services.GENERATION_KEY)
    assert isinstance(stored, int) and stored > first
    assert services.page_cache_generation() == stored
    services.page_cache_invalidate()
    assert cache.get(services.GENERATION_KEY) == stored + 1 == services.page_cache_generation()


def test_invalidating_while_another_process_creates_the_generation_counts_on_theirs(
    db, monkeypatch
):
    cache.delete(services.GENERATION_KEY)
    theirs = services._fresh_generation() + 1000

    def add_after_them(key, value, timeout=None):
        cache.set(key, theirs, timeout=None)  # the other process won the race
        return False

    monkeypatch.setattr(services.cache, "add", add_after_them)
    services.page_cache_invalidate()
    monkeypatch.undo()
    assert cache.get(services.GENERATION_KEY) == theirs + 1 == services.page_cache_generation()


def test_a_change_saved_while_the_shared_cache_is_down_is_kept_and_the_outage_logged(
    db, settings, django_capture_on_commit_callbacks, caplog
):
    # The generation lives in Redis in production. A Redis outage at commit time must not turn
    # the editor's saved change into an error page: the invalidation is robust (logged).
    down = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        },
    }
    with (
        override_settings(CACHES=down),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        merchant = make_merchant(name="停电也能保存的商家")

    assert services.page_cache_invalidate in callbacks
    assert Merchant.objects.filter(pk=merchant.pk, name="停电也能保存的商家").exists()
    assert "page_cache_invalidate" in caplog.text


def _clock_moves_on(monkeypatch, seconds):
    """The wall clock the local-memory caches expire entries by, `seconds` from now."""
    later = time.time() + seconds
    monkeypatch.setattr(time, "time", lambda: later)


def test_a_stored_page_is_served_for_page_cache_seconds_then_rendered_afresh(
    settings, boards, monkeypatch
):
    # What nothing invalidates (an offer reaching its end date) is bounded by PAGE_CACHE_SECONDS.
    settings.PAGE_CACHE_SECONDS = 60
    visit("/forum/")

    _clock_moves_on(monkeypatch, 59)
    within = visit("/forum/")
    _clock_moves_on(monkeypatch, 61)
    after = visit("/forum/")

    assert within[HEADER] == "hit"
    assert after[HEADER] == "miss" and after.status_code == 200


def test_the_generation_never_expires(db, monkeypatch):
    # An expired generation would be created afresh: every stored page stale at once, for no
    # change at all, every time the cache's default timeout (300 s) runs out.
    created = services.page_cache_generation()
    _clock_moves_on(monkeypatch, 24 * 3600)
    assert cache.get(services.GENERATION_KEY) == created
    assert services.page_cache_generation() == created

    monkeypatch.undo()
    cache.delete(services.GENERATION_KEY)
    services.page_cache_invalidate()  # the key is gone: created again by the invalidation
    recreated = cache.get(services.GENERATION_KEY)
    _clock_moves_on(monkeypatch, 24 * 3600)
    assert recreated is not None and recreated != created
    assert cache.get(services.GENERATION_KEY) == recreated


def test_within_the_check_interval_the_generation_is_not_read_again(settings, boards, monkeypatch):
    # A hit touches no network (portal/pagecache/services.py): a worker reads the shared
    # generation at most every PAGE_CACHE_CHECK_SECONDS and knows its own bumps without a read.
    visit("/forum/")  # this test's generation read (PAGE_CACHE_CHECK_SECONDS is 0 in tests)
    settings.PAGE_CACHE_CHECK_SECONDS = 3600
    generation_reads = []
    read = services.cache.get

    def counted_read(key, *args, **kwargs):
        if key == services.GENERATION_KEY:
            generation_reads.append(key)
        return read(key, *args, **kwargs)

    monkeypatch.setattr(services.cache, "get", counted_read)
    hit = visit("/forum/")
    services.page_cache_invalidate()
    after_own_change = visit("/forum/")
    hit_again = visit("/forum/")

    assert (hit[HEADER], after_own_change[HEADER], hit_again[HEADER]) == ("hit", "miss", "hit")
    assert generation_reads == []


def test_a_check_interval_of_zero_reads_the_generation_on_every_request(boards, monkeypatch):
    # PAGE_CACHE_CHECK_SECONDS = 0 (as in tests) reads the shared cache on every request, even
    # for two requests within one tick of the clock.
    tick = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: tick)
    visit("/forum/")

    cache.incr(services.GENERATION_KEY)  # what page_cache_invalidate() in another process does

    assert visit("/forum/")[HEADER] == "miss"


# --- The store/skip rules, one response at a time ----------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/not-found/",  # only a 200 is stored: a 404 may become a page a moment later
        "/streamed/",
        "/no-store/",  # any case, any position among the directives
        "/no-cache/",
        "/private-spaced/",
        "/private-field/",  # a directive with a value is still that directive
        "/raw-set-cookie/",
        "/varies-encoding/",  # the key does not cover Accept-Encoding
        "/varies-all/",
    ],
)
def test_responses_that_are_not_for_everyone_are_not_stored(url, settings, db):
    settings.ROOT_URLCONF = __name__
    first = visit(url)

    again = visit(url)

    assert first[HEADER] == again[HEADER] == "miss"
    # The positive control on the same settings: a plain page is stored.
    assert visit("/plain/")[HEADER] == "miss" and visit("/plain/")[HEADER] == "hit"


@pytest.mark.parametrize("url", ["/shared/", "/varies-cookie/"])
def test_shareable_responses_are_stored(url, settings, db):
    # "public, max-age" is for everyone; Vary: Cookie is covered (no session, language in key).
    settings.ROOT_URLCONF = __name__
    first = visit(url)

    again = visit(url)

    assert (first[HEADER], again[HEADER]) == ("miss", "hit")
    assert again.content == first.content


@pytest.mark.parametrize("method", ["post", "put", "delete", "options"])
def test_only_reads_are_served_from_or_stored_in_the_cache(method, settings, db):
    settings.ROOT_URLCONF = __name__
    visit("/plain/")
    assert visit("/plain/")[HEADER] == "hit"

    response = getattr(Client(), method)("/plain/")

    assert HEADER not in response and response.content == b"plain"


def test_with_no_excluded_paths_every_public_page_is_cached(settings, db):
    settings.ROOT_URLCONF = __name__
    settings.PAGE_CACHE_EXCLUDE = []
    visit("/plain/")

    assert visit("/plain/")[HEADER] == "hit"


def test_excluded_paths_match_from_the_start_of_the_path(settings, db):
    settings.ROOT_URLCONF = __name__
    settings.PAGE_CACHE_EXCLUDE = ["/pla", "/nowhere/"]
    visit("/plain/")
    assert HEADER not in visit("/plain/")

    settings.PAGE_CACHE_EXCLUDE = ["plain/"]  # a pattern inside the path, not at its start
    visit("/plain/")
    assert visit("/plain/")[HEADER] == "hit"


def test_a_response_without_cache_control_or_vary_is_stored(rf):
    # Through the whole stack every response carries Vary: Cookie; the rule must not need it.
    request = rf.get("/plain/")
    request.user = AnonymousUser()
    response = HttpResponse("plain")

    assert not response.has_header("Vary") and not response.has_header("Cache-Control")
    assert _response_storable(request, response)


def test_a_response_made_before_any_user_was_attached_is_not_stored(rf):
    # A middleware ahead of AuthenticationMiddleware may answer: whom the page is for is unknown.
    request = rf.get("/plain/")

    assert not _response_storable(request, HttpResponse("plain"))
    request.user = AnonymousUser()  # the positive control: the same response for a visitor
    assert _response_storable(request, HttpResponse("plain"))


def test_with_a_cache_that_keeps_nothing_visitors_get_the_page_rendered(settings, db):
    settings.ROOT_URLCONF = __name__
    settings.PAGE_CACHE_CHECK_SECONDS = 0  # read the generation now, not one remembered earlier
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }

    first, again = visit("/plain/"), visit("/plain/")

    assert first.status_code == again.status_code == 200
    assert first.content == again.content == b"plain"
    assert HEADER not in first and HEADER not in again  # no generation: neither served nor stored

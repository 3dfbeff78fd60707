from django.contrib.sessions.models import Session


def test_visitor_pages_create_no_session(client, boards):
    for url in ("/", "/forum/", "/search/?q=漏水"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "sessionid" not in response.cookies, url
    assert Session.objects.count() == 0


def test_interface_is_chinese_by_default_even_for_english_browsers(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.headers["Content-Language"] == "zh-hans"
    assert "首页" in response.text
    assert "论坛" in response.text


def test_language_switch_shows_english_and_back(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302

    english = client.get("/")
    assert english.headers["Content-Language"] == "en"
    assert "Member handbook" in english.text

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "会员手册" in client.get("/").text


def test_public_pages_set_no_cookie_at_all_for_visitors(client, boards):
    for url in ("/", "/forum/", "/search/?q=物业"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, (url, list(response.cookies))


def test_language_switch_works_without_a_csrf_token(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.cookies["kehuhui_language"].value == "en"

"""Holes' HTML kept per worker under every value it shows (portal.holes.hole_render_kept)."""

from django.template import loader
from django.test import RequestFactory

from portal import holes
from portal.page_holes import csrf_marker
from tests.factories import UserFactory


def _request(user):
    request = RequestFactory().get("/me/")
    request.user = user
    return request


def test_rendered_once_per_inputs_with_each_readers_own_token(db, monkeypatch):
    holes._rendered.clear()
    renders = []
    original = loader.get_template

    def counting(name, *args, **kwargs):
        renders.append(name)
        return original(name, *args, **kwargs)

    monkeypatch.setattr(holes, "get_template", counting)
    reader = UserFactory(username="holes1", display_name="第一位")
    first, second = _request(reader), _request(reader)
    html_first = holes.account_hole(first, [""])[""]
    html_second = holes.account_hole(second, [""])[""]
    assert renders == [holes.ACCOUNT_TEMPLATE]  # the second was kept
    assert "第一位" in html_first and csrf_marker() not in html_first
    token = 'name="csrfmiddlewaretoken" value="'
    assert html_first.split(token)[1][:10] != html_second.split(token)[1][:10]

    # Another name is another input: rendered again, never the first reader's.
    other = UserFactory(username="holes2", display_name="第二位")
    html_other = holes.account_hole(_request(other), [""])[""]
    assert len(renders) == 2 and "第二位" in html_other and "第一位" not in html_other
    reader.display_name = "改了名"
    assert "改了名" in holes.account_hole(_request(reader), [""])[""]


def test_a_visitor_gets_no_token(db):
    from django.contrib.auth.models import AnonymousUser

    request = _request(AnonymousUser())
    html = holes.account_hole(request, [""])[""]
    assert "csrfmiddlewaretoken" not in html and "/accounts/login/?next=/me/" in html
    assert "CSRF_COOKIE" not in request.META

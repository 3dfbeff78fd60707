import pytest
from django.test import Client

from portal.bench import QUERY_COUNT_HEADER


@pytest.mark.django_db
def test_bare_view_is_not_found_when_not_switched_on(client):
    response = client.get("/bench/bare")

    assert response.status_code == 404
    assert response.content != b"ok"


@pytest.mark.django_db
def test_bare_view_answers_ok_through_the_middleware_stack(client, settings):
    settings.BENCH_BARE_VIEW = True

    response = client.get("/bench/bare")

    assert response.status_code == 200
    assert response.content == b"ok"
    # Set by the site's middleware, so the bare view pays for the same stack as the pages.
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_no_query_count_header_unless_switched_on(settings):
    settings.BENCH_BARE_VIEW = True

    response = Client().get("/healthz")

    assert response.status_code == 200
    assert QUERY_COUNT_HEADER not in response


@pytest.mark.django_db
def test_query_count_header_counts_the_requests_queries(settings):
    settings.BENCH_BARE_VIEW = True
    settings.BENCH_QUERY_COUNT = True
    client = Client()  # loads the middleware after the settings changed

    bare = client.get("/bench/bare")
    health = client.get("/healthz")

    assert bare[QUERY_COUNT_HEADER] == "0"
    assert int(health[QUERY_COUNT_HEADER]) >= 1
    assert health.json()["database"] == "ok"

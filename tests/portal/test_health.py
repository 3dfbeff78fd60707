from unittest import mock

from django.db import OperationalError


def test_healthz_answers_ok_when_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "Set-Cookie" not in response.headers


def test_healthz_answers_503_when_database_is_down(client, db):
    with mock.patch("portal.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"

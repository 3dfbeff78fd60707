"""The PostgreSQL connection options the settings add (JIT off unless DATABASE_JIT)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

SCRIPT = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings.dev'; "
    "django.setup(); from django.conf import settings; "
    "print(repr(settings.DATABASES['default'].get('OPTIONS', {}).get('options')))"
)


def _options(env_extra):
    env = {**os.environ, **env_extra}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def test_postgres_connections_turn_jit_off_and_keep_other_options():
    url = "postgres://postgres@127.0.0.1:5432/kh_none"
    assert _options({"DATABASE_URL": url}) == "'-c jit=off'"
    assert _options({"DATABASE_URL": url, "DATABASE_JIT": "1"}) == "None"


def test_sqlite_gets_no_postgres_options():
    assert _options({"DATABASE_URL": "sqlite:///x.sqlite3"}) == "None"


@pytest.mark.django_db
def test_the_running_postgres_connection_has_jit_off():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    assert settings.DATABASES["default"]["OPTIONS"]["options"].endswith("-c jit=off")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"

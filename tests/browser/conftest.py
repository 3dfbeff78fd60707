"""Browser tests: Playwright for Python driving Debian's chromium against the live server.

Skipped when /usr/bin/chromium is missing, unless REQUIRE_BROWSER is set (CI sets it), in which
case a missing browser fails the run.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the live server and the ORM calls
# the tests make for their fixtures are still ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, *, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture(scope="session", autouse=True)
def _serialized_rollback_contents(chromium, django_db_setup, django_db_blocker):
    """Keep the migrations' data restorable between browser tests.

    Measured here on SQLite: when a non-transactional test set the database up first, the
    connection the browser tests get has no ``_test_serialized_contents``, so after the first
    browser test's flush the next one starts from an empty database (no home page, no levels).
    The first browser test runs before any flush, so the database still holds exactly the
    migrations' data: serialise it then if Django did not keep it.
    """
    from django.db import connections

    connection = connections["default"]
    if getattr(connection, "_test_serialized_contents", None) is None:
        with django_db_blocker.unblock():
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()

"""Tests: fast hashing, in-process tasks, mail in memory. DATABASE_URL picks PostgreSQL,
REDIS_URL the Redis cache (local memory without it)."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests read mail.outbox directly; tests/portal/messaging/test_mail.py switches the outbox on.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
if REDIS_URL:  # noqa: F405
    # The production cache (CI's PostgreSQL pass): rate limits, posting intervals and the page
    # cache's generation then run against Redis. Each test clears the cache, which flushes a
    # whole Redis database, so each pytest-xdist worker takes one of its own: the URL's database
    # for gw0, the ones below it for gw1, gw2, …
    _redis = urlsplit(REDIS_URL)  # noqa: F405
    _worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    _database = (int(_redis.path.strip("/") or 0) - _worker) % 16
    CACHES["default"] = {  # noqa: F405
        "BACKEND": "portal.redis_cache.RedisCache",
        "LOCATION": urlunsplit(_redis._replace(path=f"/{_database}")),
        "KEY_PREFIX": "tests",
    }
else:
    CACHES["default"] = {  # noqa: F405
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tests",
    }
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
WAGTAILADMIN_BASE_URL = "http://testserver"
# Static files come from the finders; nothing is collected for tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The page cache is invalidated after commits, which never happen inside a test's transaction:
# off here, on in the tests that exercise it (tests/portal/test_pagecache.py).
PAGE_CACHE = False
# Likewise for members' kept pages (tests/portal/test_member_pages.py switches it on); their
# holes are filled late in every test all the same.
MEMBER_PAGE_CACHE = False
# Every request reads the generation from the default cache, which each test starts empty.
PAGE_CACHE_CHECK_SECONDS = 0
# Each view written at once (tests/forum/test_view_counts.py exercises the batches).
FORUM_VIEW_COUNT_SECONDS = 0

# A file for the SQLite test database instead of memory lets `pytest --reuse-db` skip the
# migrations on the next run: `make mutation` runs pytest once per mutant.
TEST_SQLITE_NAME = env("TEST_SQLITE_NAME", default="")  # noqa: F405
if TEST_SQLITE_NAME and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": TEST_SQLITE_NAME}  # noqa: F405
# Campaigns in tests: no throttle sleeps.
CAMPAIGN_RATE_PER_SECOND = {"mail": 0, "sms": 0, "site": 0}

"""The Redis cache backend builds one client per connection pool (portal.redis_cache)."""

import pytest
from django.core.cache.backends.redis import RedisCacheClient

from portal.redis_cache import RedisCache, ReusingRedisCacheClient


def test_one_client_per_pool_and_the_same_commands():
    backend = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "reuse-test"})
    client = backend._cache
    assert isinstance(client, ReusingRedisCacheClient)
    assert isinstance(client, RedisCacheClient)
    assert client.get_client("a") is client.get_client("b")
    assert client.get_client("a", write=True) is client.get_client("b", write=True)


def test_it_stores_and_reads_as_djangos_does(settings):
    default = settings.CACHES["default"]
    if default["BACKEND"] != "portal.redis_cache.RedisCache":
        pytest.skip("needs Redis (REDIS_URL)")
    # This worker's own Redis database (portal/settings/test.py): no other worker flushes it.
    backend = RedisCache(default["LOCATION"], {"KEY_PREFIX": "reuse-test"})
    backend.set("greeting", {"text": "你好"}, timeout=30)
    assert backend.get_many(["greeting", "missing"]) == {"greeting": {"text": "你好"}}
    backend.delete("greeting")
    assert backend.get("greeting") is None

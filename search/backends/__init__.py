"""The configured backend: Elasticsearch when ELASTICSEARCH_URL is set, else the database."""

from functools import lru_cache

from django.conf import settings

from search.backends.base import SearchBackend


@lru_cache(maxsize=4)
def _backend_for(url: str, prefix: str) -> SearchBackend:
    if url:
        from search.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(url=url, prefix=prefix)
    from search.backends.database import DatabaseBackend

    return DatabaseBackend()


def get_backend() -> SearchBackend:
    return _backend_for(settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_PREFIX)

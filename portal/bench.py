"""Benchmark hooks, all off unless the environment switches them on (see bench/README).

``BENCH_BARE_VIEW``: ``/bench/bare`` answers a plain "ok" through the full middleware stack, the
baseline every page's throughput is divided by. ``BENCH_QUERY_COUNT``: every response carries
``X-Bench-Queries``, the number of SQL queries the request ran. Both are for a benchmark run on
a private address, never for a public site.
"""

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.http import Http404, HttpResponse
from django.urls import path

QUERY_COUNT_HEADER = "X-Bench-Queries"


def bare(request):
    if not settings.BENCH_BARE_VIEW:
        raise Http404
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


class QueryCountMiddleware:
    """Counts the SQL queries of each request (including other middleware's) into a header."""

    def __init__(self, get_response):
        if not settings.BENCH_QUERY_COUNT:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = self.get_response(request)
        response[QUERY_COUNT_HEADER] = str(queries)
        return response


urlpatterns = [path("", bare, name="bench_bare")]

from django.core.paginator import Paginator
from django.shortcuts import render

from search.selectors import normalise_query, page_search, post_search

RESULTS_PER_PAGE = 20


def search(request):
    query = normalise_query(request.GET.get("q", ""))
    kind = request.GET.get("type", "all")
    posts = pages = None
    if query:
        if kind in ("all", "posts"):
            posts = Paginator(
                post_search(
                    query=query,
                    user=request.user,
                    permission_handler=request.forum_permission_handler,
                ),
                RESULTS_PER_PAGE,
            ).get_page(request.GET.get("page"))
        if kind in ("all", "pages"):
            pages = list(page_search(query=query)[:RESULTS_PER_PAGE])
    return render(
        request,
        "search/search.html",
        {"query": query, "kind": kind, "posts": posts, "pages": pages},
    )

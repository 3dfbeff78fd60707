from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse


def forum_search(request):
    """The forum's search box searches posts with the site search."""
    query = QueryDict(mutable=True)
    query["q"] = request.GET.get("q", "")
    query["type"] = "posts"
    return redirect(f"{reverse('search:search')}?{query.urlencode()}")

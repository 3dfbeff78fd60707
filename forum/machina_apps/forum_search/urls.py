from django.urls import path
from machina.core.urls import URLPatternsFactory

from forum.machina_apps.forum_search.views import forum_search


class ForumSearchURLPatternsFactory(URLPatternsFactory):
    app_namespace = "forum_search"

    def get_urlpatterns(self):
        return [path("", forum_search, name="search")]


urlpatterns_factory = ForumSearchURLPatternsFactory()

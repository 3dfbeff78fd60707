"""RSS and Atom feeds of the news, served by NewsIndexPage at /news/rss/ and /news/atom/."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

FEED_ITEMS = 20


class NewsRssFeed(Feed):
    def __init__(self, *, index):
        super().__init__()
        self.index = index

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.index.title

    def link(self):
        return self.index.get_url(self.request)

    def description(self):
        return self.index.search_description or self.index.intro

    def items(self):
        return self.index.articles().defer_streamfields()[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.search_description or item.summary

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(8)))

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [item.get_category_display()]


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed
    subtitle = NewsRssFeed.description

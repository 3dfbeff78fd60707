from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from machina import urls as machina_urls
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from portal import views
from portal.members import account_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("bench/bare", include("portal.bench")),
    # Exempt so public pages carry no CSRF cookie (and stay cacheable); a forged request can
    # only switch the reader's interface language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # allauth's sign-up with the member profile in the same transaction (before allauth's own).
    path("accounts/signup/", account_views.join, name="account_signup"),
    path("privacy/", account_views.privacy_notice, name="privacy_notice"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("portal.members.me_urls")),
    path("me/", include("forum.boards.me_urls")),
    path("me/", include("forum.cases.me_urls")),
    path("me/", include("forum.insight.me_urls")),
    path("me/", include("portal.rewards.me_urls")),
    path("me/", include("portal.activities.me_urls")),
    path("members/", include("portal.members.staff_urls")),
    path("members/", include("portal.rewards.staff_urls")),
    path("rewards/", include("portal.rewards.urls")),
    path("activities/", include("portal.activities.urls")),
    path("forum/club/", include("forum.boards.urls")),
    path("forum/", include(machina_urls)),
    path("search/", include("search.urls")),
    path("surveys/", include("portal.surveys.urls")),
    path("campaigns/", include("portal.campaigns.urls")),
    path("triage/", include("forum.insight.urls")),
    path("triage/", include("forum.cases.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
]

if settings.DEBUG:
    # Production serves media from the web server, never the forum's attachment folder (see
    # docs/security.md).
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            views.public_media,
            name="public_media",
        )
    ]

# Wagtail's page tree serves everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]

handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"

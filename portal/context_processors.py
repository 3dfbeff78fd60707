from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "LANGUAGES": settings.LANGUAGES,
        "LANGUAGE_COOKIE_NAME": settings.LANGUAGE_COOKIE_NAME,
    }

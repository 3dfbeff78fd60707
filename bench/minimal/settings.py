"""The minimal Django project bench/run.py measures beside the site: the floor of Django itself.

No middleware, no database, no templates, no installed apps: one URL answering a plain
``HttpResponse``. Served by the same gunicorn (same binary, workers and Python) in the same run,
so a page's ratio to it says what the site costs above Django's own request handling.
"""

from django.http import HttpResponse
from django.urls import path

DEBUG = False
SECRET_KEY = "bench-minimal-not-for-any-public-site-0123456789abcdef"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
MIDDLEWARE: list[str] = []
INSTALLED_APPS: list[str] = []
DATABASES: dict = {}
USE_TZ = True
USE_I18N = False


def minimal(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/minimal", minimal), path("healthz", minimal)]

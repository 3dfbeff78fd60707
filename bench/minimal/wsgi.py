"""WSGI entry of the minimal Django project (bench/minimal/settings.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.minimal.settings"

application = get_wsgi_application()

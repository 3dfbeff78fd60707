"""The site as bench/lighthouse.py serves it: portal.wsgi (whitenoise serving the static files, as
in production) and the public media files, which production's web server serves beside it
(docs/operations.md) and Django does not with DEBUG off. Only for the loopback benchmark: it also
serves the forum's attachment folder, which a public web server must not (docs/security.md).
"""

from django.conf import settings
from whitenoise import WhiteNoise

from portal.wsgi import application as site

# Autorefresh: Wagtail writes image renditions while the pages are first rendered.
application = WhiteNoise(site, autorefresh=True)
application.add_files(settings.MEDIA_ROOT, prefix=settings.MEDIA_URL)

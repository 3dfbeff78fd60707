import os

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 otherwise; never touches the session."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse(
            {"status": "error", "database": str(exc.__class__.__name__)}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def public_media(request, path):
    """Media files for ``make run`` (DEBUG), except the forum's attachments.

    Attachments are served only by their view after the visibility check; a public route to
    their folder would hand a staff-only complaint's file to anyone who guesses its name.
    """
    from django.conf import settings
    from django.http import Http404
    from django.utils._os import safe_join
    from django.views.static import serve
    from machina.conf import settings as machina_settings

    protected = machina_settings.ATTACHMENT_FILE_UPLOAD_TO.strip("/") + "/"
    try:
        relative = os.path.relpath(safe_join(settings.MEDIA_ROOT, path), settings.MEDIA_ROOT)
    except Exception:
        raise Http404 from None
    if (relative.replace(os.sep, "/") + "/").startswith(protected):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)

"""An attachment is served only to whoever may see its post (forum.visibility.can_see_post).

machina's view checked only the board's ``can_download_files`` grant: a staff-only complaint's
file, a post awaiting approval or an owners' board file went to anyone who knew its id. Here the
reader needs the download grant *and* the post's visibility; anyone else gets 404 (ids are
sequential: a 403 would confirm that one exists). The file always downloads
(``Content-Disposition: attachment``, ``nosniff``), never renders in the site's origin.

In production the file can be handed to the web server instead of streamed through Python: with
``FORUM_ATTACHMENT_ACCEL_REDIRECT`` set (e.g. ``/protected-media/``) the answer is an empty
response carrying ``X-Accel-Redirect: <prefix><file name>`` for an nginx ``internal`` location
(see docs/security.md).
"""

import mimetypes
import os
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View
from machina.apps.forum_conversation.forum_attachments.models import Attachment

from forum.visibility import can_see_post


def _content_disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class AttachmentView(View):
    def get(self, request, pk):
        attachment = get_object_or_404(
            Attachment.objects.select_related("post__topic__forum"), pk=pk
        )
        handler = request.forum_permission_handler
        post = attachment.post
        if not (
            handler.can_download_files(post.topic.forum, request.user)
            and can_see_post(user=request.user, post=post, permission_handler=handler)
        ):
            raise Http404
        filename = os.path.basename(attachment.file.name)
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        prefix = getattr(settings, "FORUM_ATTACHMENT_ACCEL_REDIRECT", "")
        if prefix:
            response = HttpResponse(content_type=content_type)
            response["X-Accel-Redirect"] = quote(prefix.rstrip("/") + "/" + attachment.file.name)
        else:
            try:
                handle = attachment.file.open("rb")
            except (FileNotFoundError, OSError):
                raise Http404 from None
            response = FileResponse(handle, content_type=content_type)
        response["Content-Disposition"] = _content_disposition(filename)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

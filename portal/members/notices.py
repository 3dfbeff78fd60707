"""Site messages (站内信): the member's inbox for what the club tells them outside the forum.

Any app sends one with ``notice_send(recipient=..., kind=..., title=..., body=..., url=...)``
(after its own transaction commits, if it has one); the member reads them at ``/me/notices/``.
Forum replies and case updates keep their own notifications in ``forum.boards``.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from portal.members.models import Notice, User

TITLE_MAX = Notice._meta.get_field("title").max_length
BODY_MAX = Notice._meta.get_field("body").max_length


def _safe_url(url: str) -> str:
    """Only links within the site or to http(s) addresses: never javascript: or data:."""
    if url.startswith("/") and not url.startswith("//"):
        return url
    if url.startswith(("https://", "http://")):
        return url
    return ""


@transaction.atomic
def notice_send(*, recipient: User, kind: str, title: str, body: str = "", url: str = "") -> Notice:
    notice = Notice(
        recipient=recipient,
        kind=kind,
        title=title[:TITLE_MAX],
        body=body[:BODY_MAX],
        url=_safe_url(url),
    )
    notice.full_clean()
    notice.save()
    return notice


def notices_for(*, member: User) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=member)


def notices_unread_count(*, member: User) -> int:
    return Notice.objects.filter(recipient=member, read_at__isnull=True).count()


def notices_mark_read(*, member: User, notice_ids: list[int] | None = None) -> int:
    """Mark the member's notices read (all of them, or those given); returns how many."""
    unread = Notice.objects.filter(recipient=member, read_at__isnull=True)
    if notice_ids is not None:
        unread = unread.filter(pk__in=notice_ids)
    return unread.update(read_at=timezone.now())

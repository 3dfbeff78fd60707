"""Rendered fragments kept in the default cache under a key made of what each shows.

The key is the content itself (a digest of every value the fragment shows), so nothing has to
be invalidated: a change of any value is another key. Used by the board pages' topic rows
(``forum/boards/topic_rows.py``) and the case queues' rows (``forum/cases/queue_rows.py``).
"""

import hashlib
from collections.abc import Callable, Sequence

from django.core.cache import cache


def content_digest(*parts) -> str:
    """A digest of the values' ``repr``: the same values give the same digest."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def fragments_kept(
    items: Sequence, keys: Sequence[str | None], render: Callable, *, timeout: int
) -> list[str]:
    """``render(item)`` for each item, in order: read with one ``get_many``, the missing ones
    rendered and kept with one ``set_many``. An item whose key is ``None`` is rendered every
    time and not kept."""
    found = cache.get_many([key for key in keys if key])
    fragments, missing = [], {}
    for item, key in zip(items, keys, strict=True):
        html = found.get(key) if key else None
        if html is None:
            html = render(item)
            if key:
                missing[key] = html
        fragments.append(html)
    if missing:
        cache.set_many(missing, timeout=timeout)
    return fragments

"""A full-page cache for visitors: public pages served without sessions, auth or SQL.

`middleware.PublicPageCacheMiddleware` stores what an anonymous reader without a session got
and serves it to the next one; `services.page_cache_invalidate` makes every stored page stale at
once (a generation number in the shared cache), and `receivers` calls it after each commit that
changes something a visitor can see.
"""

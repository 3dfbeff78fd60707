from portal.page_holes import csrf_marker, holes_deferred


def deferred_csrf(request):
    """On a page whose holes are filled later, forms carry a marker for the CSRF token: the page
    may be kept for other readers, and each gets their own token (portal.page_holes)."""
    if holes_deferred(request):
        return {"csrf_token": csrf_marker()}
    return {}

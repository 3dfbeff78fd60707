from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from portal.selectors import member_ownerships


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


@login_required
def personal_center(request):
    return render(
        request,
        "portal/personal_center.html",
        {"ownerships": member_ownerships(member=request.user)},
    )

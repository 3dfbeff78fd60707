"""Survey pages (served through Wagtail), the /surveys/ listing, results, exports and votes."""

import dataclasses
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult
from wagtail.views import serve as wagtail_serve

from portal.members.ratelimit import client_ip, rate_limit_exceeded
from portal.surveys import selectors
from portal.surveys.audiences import survey_audience_includes
from portal.surveys.exports import csv_response, xlsx_response
from portal.surveys.models import OwnersVote, SurveyPage, SurveyResponse
from portal.surveys.phrases import survey_phrases_for_results
from portal.surveys.questions import answers_as_data
from portal.surveys.services import (
    SurveyError,
    owners_vote_cast,
    survey_already_answered,
    survey_draft_save,
    survey_segment_consent_withdraw,
    survey_submit,
    vote_units_of,
)
from portal.surveys.tasks import survey_phrases_request

VISITOR_COOKIE = "survey_visitor"
VISITOR_SALT = "portal.surveys.visitor"
VISITOR_LIMIT = (10, 3600)  # answers per address per hour


def survey_list(request):
    return render(
        request,
        "surveys/survey_list.html",
        {
            "surveys": selectors.surveys_open_for(user=request.user),
            "votes": selectors.votes_open_for(user=request.user),
        },
    )


def _visitor_key(request) -> tuple[str, bool]:
    """(the browser's token, whether it was tampered with); a missing cookie is a new token."""
    raw = request.COOKIES.get(VISITOR_COOKIE)
    if not raw:
        return "", False
    try:
        return signing.loads(raw, salt=VISITOR_SALT), False
    except signing.BadSignature:
        return "", True


def survey_page_serve(request, *, page: SurveyPage):
    user = request.user
    questions = page.question_list
    visitor = not user.is_authenticated
    visitor_key, tampered = _visitor_key(request) if visitor else ("", False)
    context = {"page": page, "self": page, "questions": questions, "errors": {}, "data": {}}
    status = 200
    new_visitor_key = ""
    if request.method == "POST":
        try:
            if tampered:
                raise SurveyError(_("Your browser's survey token is not valid; reload the page."))
            if visitor:
                if page.audience != "everyone":
                    raise SurveyError(_("Log in to answer this survey."))
                if rate_limit_exceeded(
                    key=f"survey:{client_ip(request)}",
                    limit=VISITOR_LIMIT[0],
                    window=VISITOR_LIMIT[1],
                ):
                    raise SurveyError(_("Too many answers from your network; try again later."))
                if not visitor_key:
                    visitor_key = new_visitor_key = uuid.uuid4().hex
            if not visitor and request.POST.get("action") == "draft":
                survey_draft_save(survey=page, member=user, data=request.POST)
                messages.success(request, _("Your answers so far are saved."))
                return redirect(page.url)
            survey_submit(
                survey=page,
                data=request.POST,
                member=None if visitor else user,
                visitor_key=visitor_key if visitor else "",
                profile_consent=request.POST.get("profile_consent") == "1",
                segment_consent=request.POST.get("segment_consent") == "1",
            )
            context["done"] = True
        except SurveyError as error:
            context["error"] = error.message
            context["errors"] = error.errors
            context["data"] = request.POST
            status = 400
    if "done" not in context:
        if visitor:
            answered = survey_already_answered(survey=page, visitor_key=visitor_key)
        else:
            answered, draft = selectors.survey_member_state(survey=page, member=user)
            if not answered and not context["data"] and draft is not None:
                context["data"] = answers_as_data(draft, questions)
                context["has_draft"] = True
        context["answered"] = answered
        context["may_answer"] = survey_audience_includes(survey=page, user=user)
        context["is_open"] = page.is_open()
    context["may_see_results"] = user.has_perm("surveys.view_survey_results")
    response = render(request, "surveys/survey_page.html", context, status=status)
    if new_visitor_key:
        response.set_cookie(
            VISITOR_COOKIE,
            signing.dumps(new_visitor_key, salt=VISITOR_SALT),
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
        )
    response["Cache-Control"] = "private, no-store"
    return response


def survey_page_route(request, slug):
    """``/surveys/<slug>/``: Wagtail's own serve view, with the route found in one query.

    Wagtail routes a path by walking it from the site's root, two queries per level (the
    child by slug, then its specific page): six queries and about a fifth of the survey page's
    time. A survey page sits at a known place (``parent_page_types``: the survey index under
    the site root), so its ``url_path`` is the root's plus the request's path, and one query
    finds it with its specific fields. Wagtail's serve view is then called with that route
    already set (``Page.route_for_request`` reads it from the request), so every
    ``before_serve_page`` and ``on_serve_page`` hook (view restrictions, ours) runs as
    before. Anything else — another page at that path, a page not live, a site whose root or
    the index routes by itself, localised page trees — goes through Wagtail's walk unchanged.
    """
    path = request.path_info.lstrip("/")
    page = _survey_page_at(request, path, slug=slug)
    if page is not None:
        request._wagtail_route_for_request = RouteResult(page)
    return wagtail_serve(request, path)


def _survey_page_at(request, path: str, *, slug: str) -> SurveyPage | None:
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return None
    site = Site.find_for_request(request)
    if site is None:
        return None
    root = site.root_page
    if root.specific_class is None or root.specific_class.route is not Page.route:
        return None
    # By slug (indexed; url_path is not), then the whole path.
    return SurveyPage.objects.live().filter(slug=slug, url_path=f"{root.url_path}{path}").first()


def _results_survey(request, page_id) -> SurveyPage:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not request.user.has_perm("surveys.view_survey_results"):
        raise PermissionDenied
    return get_object_or_404(SurveyPage, pk=page_id)


def survey_results(request, page_id):
    page = _results_survey(request, page_id)
    total = selectors.survey_response_count(survey=page)
    results = selectors.survey_results_cached(survey=page, total=total)
    answered = {r.question.key: r.answered for r in results if r.question.kind == "text"}
    if answered:
        # Mined in the background (``survey_phrases_task``); here only their kept rows.
        phrase_sets = survey_phrases_for_results(survey=page, answered=answered)
        results = [
            dataclasses.replace(r, phrases=phrase_sets.get(r.question.key))
            if r.question.key in answered
            else r
            for r in results
        ]
    dimension = request.GET.get("by", "")
    cross_tabs = []
    if dimension in selectors.CROSS_TAB_DIMENSIONS:
        cross_tabs = selectors.survey_cross_tabs_cached(
            survey=page, dimension=dimension, total=total
        )
    return render(
        request,
        "surveys/survey_results.html",
        {
            "page": page,
            "results": results,
            "total": total,
            "dimension": dimension,
            "dimensions": [
                ("level", _("level")),
                ("city", _("city")),
                ("project", _("housing project")),
            ],
            "cross_tabs": cross_tabs,
            "min_group": selectors.MIN_GROUP,
            "has_text_questions": bool(answered),
        },
    )


@require_POST
def survey_phrases_recompute(request, page_id):
    """The results page's 重新统计 button: queue the mining of the survey's recurring phrases
    (with the in-process task backend it runs before the redirect)."""
    page = _results_survey(request, page_id)
    if survey_phrases_request(survey=page):
        messages.success(
            request,
            _("The recurring phrases are being recomputed; reload this page in a moment."),
        )
    else:
        messages.info(request, _("A recomputation of the recurring phrases is already queued."))
    return redirect("survey_results", page_id=page.pk)


def survey_export(request, page_id, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    page = _results_survey(request, page_id)
    if page.anonymous and selectors.survey_response_count(survey=page) < selectors.MIN_GROUP:
        messages.error(
            request,
            _("An anonymous survey is exported from %(n)d responses on.")
            % {"n": selectors.MIN_GROUP},
        )
        return redirect("survey_results", page_id=page.pk)
    rows = selectors.survey_export_rows(survey=page)
    filename = f"survey-{page.pk}.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(rows, filename=filename)
    return csv_response(rows, filename=filename)


@login_required
@require_POST
def survey_segment_consent_withdraw_view(request, response_id):
    """The withdraw button of the member's settings page (/me/settings/): another member's
    response, or one without a consent, is not found."""
    try:
        response = survey_segment_consent_withdraw(member=request.user, response_id=response_id)
    except SurveyResponse.DoesNotExist:
        raise Http404 from None
    messages.success(
        request,
        _("The club no longer uses your answers to “%(survey)s” to select you.")
        % {"survey": response.survey.title},
    )
    return redirect("me_settings")


# Owners' votes -------------------------------------------------------------------------------


def _vote_for(request, vote_id) -> OwnersVote:
    vote = get_object_or_404(OwnersVote.objects.select_related("project"), pk=vote_id)
    if not selectors.vote_may_view(vote=vote, user=request.user):
        raise Http404
    return vote


@login_required
def vote_detail(request, vote_id):
    vote = _vote_for(request, vote_id)
    tally = selectors.vote_tally(vote=vote)
    closed = vote.is_closed()
    return render(
        request,
        "surveys/vote_detail.html",
        {
            "vote": vote,
            "tally": tally,
            "closed": closed,
            "my_units": vote_units_of(vote=vote, member=request.user),
            "options": vote.options.all(),
            "option_counts": selectors.vote_option_counts(vote=vote)
            if closed or vote.open_ballot
            else [],
            "open_ballots": selectors.vote_open_ballots(vote=vote),
            "may_audit": request.user.has_perm("surveys.view_vote_audit"),
        },
    )


@login_required
@require_POST
def vote_cast(request, vote_id):
    vote = _vote_for(request, vote_id)
    try:
        ballot = owners_vote_cast(
            vote=vote,
            vote_unit_id=request.POST.get("unit"),
            option_id=request.POST.get("option"),
            member=request.user,
        )
    except SurveyError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The ballot of %(unit)s is cast.") % {"unit": ballot.vote_unit})
    return redirect("vote_detail", vote_id=vote.pk)


@login_required
def vote_audit(request, vote_id):
    if not request.user.has_perm("surveys.view_vote_audit"):
        raise PermissionDenied
    vote = get_object_or_404(OwnersVote, pk=vote_id)
    return render(
        request,
        "surveys/vote_audit.html",
        {"vote": vote, "ballots": selectors.vote_audit(vote=vote)},
    )

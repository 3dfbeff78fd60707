"""Survey pages are answered through ``portal.surveys.views`` (forms, drafts, tokens), and the
owners' votes and unit register are managed in the Django admin."""

from wagtail import hooks

from portal.surveys.models import SurveyPage
from portal.surveys.views import survey_page_serve


# An ``on_serve_page`` hook inside Wagtail's own (order 0), which checks the page's view
# restrictions: a password- or login-protected survey stays protected. As a
# ``before_serve_page`` hook it answered before that check ran (Wagtail 8 moved it).
@hooks.register("on_serve_page", order=100)
def serve_survey(next_serve_page):
    def serve(page, request, serve_args, serve_kwargs):
        if isinstance(page, SurveyPage):
            return survey_page_serve(request, page=page)
        return next_serve_page(page, request, serve_args, serve_kwargs)

    return serve

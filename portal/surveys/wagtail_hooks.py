"""Survey pages are answered through ``portal.surveys.views`` (forms, drafts, tokens), and the
owners' votes and unit register are managed in the Django admin."""

from wagtail import hooks

from portal.surveys.models import SurveyPage
from portal.surveys.views import survey_page_serve


# After Wagtail's own (view restrictions, order 0): a private survey stays private.
@hooks.register("before_serve_page", order=100)
def serve_survey(page, request, serve_args, serve_kwargs):
    if isinstance(page, SurveyPage):
        return survey_page_serve(request, page=page)
    return None

from django.urls import path

from portal.surveys import views

urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("results/<int:page_id>/", views.survey_results, name="survey_results"),
    path(
        "results/<int:page_id>/phrases/",
        views.survey_phrases_recompute,
        name="survey_phrases_recompute",
    ),
    path(
        "results/<int:page_id>/export.<str:fmt>",
        views.survey_export,
        name="survey_export",
    ),
    path("votes/<int:vote_id>/", views.vote_detail, name="vote_detail"),
    path("votes/<int:vote_id>/cast/", views.vote_cast, name="vote_cast"),
    path("votes/<int:vote_id>/audit/", views.vote_audit, name="vote_audit"),
    path(
        "consents/<int:response_id>/withdraw/",
        views.survey_segment_consent_withdraw_view,
        name="survey_segment_consent_withdraw",
    ),
    # Last: a survey page, served by Wagtail with a one-query route (views.survey_page_route).
    path("<str:slug>/", views.survey_page_route, name="survey_page"),
]

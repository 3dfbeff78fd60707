"""The cases' pages in the personal center, mounted under /me/ by the project's urls."""

from django.urls import path

from forum.cases import views

urlpatterns = [
    path("cases/", views.my_cases, name="me_cases"),
    path("cases/<int:pk>/confirm/", views.case_member_confirm, name="me_case_confirm"),
    path("cases/<int:pk>/reopen/", views.case_member_reopen, name="me_case_reopen"),
    path("cases/<int:pk>/rate/", views.case_rate, name="me_case_rate"),
    path("cases/rate/<str:token>/", views.case_rate_link, name="me_case_rate_link"),
]

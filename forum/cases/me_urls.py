"""The cases' pages in the personal center, mounted under /me/ by the project's urls."""

from django.urls import path

from forum.cases import views

urlpatterns = [
    path("cases/", views.my_cases, name="me_cases"),
]

"""The member's page of what became of their feedback, mounted under /me/."""

from django.urls import path

from forum.insight import views

urlpatterns = [
    path("improvements/", views.my_improvements, name="me_improvements"),
]

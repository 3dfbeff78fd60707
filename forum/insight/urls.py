"""The improvement list and the report subscription, mounted under /triage/ (before cases)."""

from django.urls import path

from forum.insight import views

app_name = "insight"

urlpatterns = [
    path("improvements/", views.improvement_list, name="improvements"),
    path("improvements/new/", views.improvement_new, name="improvement_new"),
    path("improvements/<int:pk>/", views.improvement_detail, name="improvement_detail"),
    path("improvements/<int:pk>/move/", views.improvement_move, name="improvement_move"),
    path("improvements/<int:pk>/edit/", views.improvement_edit, name="improvement_edit"),
    path("reports/subscription/", views.report_subscription, name="report_subscription"),
]

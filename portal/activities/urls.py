"""Actions on activities, beside Wagtail's /activities/ pages (numeric ids never clash with
their slugs; the staff pages live under staff/)."""

from django.urls import path

from portal.activities import views

urlpatterns = [
    path("<int:pk>/signup/", views.signup, name="activity_signup"),
    path("<int:pk>/cancel/", views.cancel, name="activity_cancel"),
    path("<int:pk>/rate/", views.rate, name="activity_rate"),
    path("staff/<int:pk>/signups/", views.signup_list, name="activities_staff_signups"),
    path("staff/<int:pk>/signups/add/", views.signup_add, name="activities_staff_signup_add"),
    path(
        "staff/<int:pk>/signups/<int:signup_id>/cancel/",
        views.signup_cancel_for_member,
        name="activities_staff_signup_cancel",
    ),
    path("staff/<int:pk>/check-in/", views.check_in, name="activities_check_in"),
    path("staff/<int:pk>/summary/", views.summary_edit, name="activities_staff_summary"),
    path("staff/<int:pk>/recap/", views.recap_draft, name="activities_staff_recap"),
    path("staff/cases/", views.cases, name="activities_cases"),
    path("staff/plan/", views.plan, name="activities_plan"),
]

from django.urls import path

from portal.rewards import staff_views, views

urlpatterns = [
    path("redemptions/", views.staff_redemptions, name="staff_redemptions"),
    path("redemptions/<int:pk>/", views.staff_redemption_decide, name="staff_redemption_decide"),
    path("plan/", staff_views.plan_view, name="plan_view"),
    path("plan/<int:year>/", staff_views.plan_view, name="plan_view_year"),
    path("plan/<int:year>/report/", staff_views.plan_report, name="plan_report"),
    path("plan/lines/<int:pk>/budget/", staff_views.plan_line_budget, name="plan_line_budget"),
    path("grants/", staff_views.grants, name="grants"),
    path("grants/<int:pk>/", staff_views.grant_decide, name="grant_decide"),
]

from django.urls import path

from forum.cases import desk_views, views

app_name = "cases"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("mine/", views.my_work, name="my_work"),
    path("alerts/", views.alert_preference, name="alert_preference"),
    path("desk/", desk_views.desk_lookup, name="desk_lookup"),
    path("desk/member/<int:user_id>/", desk_views.desk_member, name="desk_member"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("reports/", views.report, name="report"),
    path("department/<slug:code>/", views.department_queue, name="department_queue"),
    path("open/<int:topic_id>/", views.case_open, name="case_open"),
    path("case/<int:pk>/", views.case_detail, name="case_detail"),
    path("case/<int:pk>/rate/", views.case_rate, name="case_rate"),
    path("case/<int:pk>/<slug:action>/", views.case_action, name="case_action"),
]

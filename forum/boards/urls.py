from django.urls import path

from forum.boards import views

app_name = "boards"

urlpatterns = [
    path("post/<int:pk>/accept/", views.answer_accept, name="answer_accept"),
    path("topic/<int:pk>/unaccept/", views.answer_unaccept, name="answer_unaccept"),
    path("post/<int:pk>/report/", views.post_report, name="post_report"),
    path("reports/", views.report_queue, name="report_queue"),
    path("reports/<int:pk>/", views.report_decide, name="report_decide"),
    path("notifications/", views.notifications, name="notifications"),
]

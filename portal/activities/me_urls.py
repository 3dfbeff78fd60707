from django.urls import path

from portal.activities import views

urlpatterns = [path("activities/", views.my_activities, name="me_activities")]

from django.urls import path

from portal.rewards import views

urlpatterns = [
    path("redeem/", views.reward_redeem_page, name="reward_redeem"),
]

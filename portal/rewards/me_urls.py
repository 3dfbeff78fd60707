from django.urls import path

from portal.rewards import views

urlpatterns = [
    path("rewards/", views.me_rewards, name="me_rewards"),
    path("rewards/<int:pk>/received/", views.me_reward_received, name="me_reward_received"),
]

from django.urls import path

from portal.rewards import views

urlpatterns = [
    path("redemptions/", views.staff_redemptions, name="staff_redemptions"),
    path("redemptions/<int:pk>/", views.staff_redemption_decide, name="staff_redemption_decide"),
]

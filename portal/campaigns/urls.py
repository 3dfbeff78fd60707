from django.urls import path

from portal.campaigns import views

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_new, name="campaign_new"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/action/", views.campaign_action, name="campaign_action"),
    path("segments/new/", views.segment_new, name="campaign_segment_new"),
    path("segments/count/", views.segment_count, name="campaign_segment_count"),
    path("segments/<int:pk>/", views.segment_edit, name="campaign_segment_edit"),
    path("segments/<int:pk>/export/", views.segment_export_csv, name="campaign_segment_export"),
    path("u/<str:token>/", views.unsubscribe, name="campaign_unsubscribe"),
    path("c/<str:token>/", views.click, name="campaign_click"),
]

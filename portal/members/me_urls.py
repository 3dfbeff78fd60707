from django.urls import path

from portal.members import member_views as views

urlpatterns = [
    path("", views.personal_center, name="personal_center"),
    path("profile/", views.profile_edit, name="me_profile"),
    path("units/", views.units, name="me_units"),
    path("points/", views.points, name="me_points"),
    path("points/earn/", views.points_earn, name="me_points_earn"),
    path("card/", views.card, name="me_card"),
    path("notices/", views.notices, name="me_notices"),
    path("settings/", views.settings_edit, name="me_settings"),
    path("data.json", views.data_download, name="me_data"),
    path("delete/", views.deletion, name="me_delete"),
]

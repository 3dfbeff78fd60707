from django.urls import path

from portal.members import member_views
from portal.members import staff_views as views

urlpatterns = [
    path("", views.member_list_view, name="staff_members"),
    path("<int:user_id>/", views.member_detail, name="staff_member_detail"),
    path("<int:user_id>/grant/", views.member_grant, name="staff_member_grant"),
    path("<int:user_id>/referral/", views.member_referral, name="staff_member_referral"),
    path("<int:user_id>/reissue/", views.member_reissue, name="staff_member_reissue"),
    path("<int:user_id>/anonymise/", views.member_anonymise_view, name="staff_member_anonymise"),
    path("deletions/", views.deletion_requests, name="staff_deletions"),
    path("claims/", views.claims, name="staff_claims"),
    path("claims/<int:pk>/", views.claim_decide, name="staff_claim_decide"),
    path("card/<str:token>/", views.card_verify, name="member_card_verify"),
    path("invite/<str:token>/", member_views.invited, name="member_invited"),
]

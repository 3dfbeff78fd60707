"""The forum's pages in the personal center, mounted under /me/ by the project's urls."""

from django.urls import path

from forum.boards import views

urlpatterns = [
    path("posts/", views.my_posts, name="me_posts"),
]

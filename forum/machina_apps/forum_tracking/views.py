"""machina's unread-topics list, without topics the reader may not see (forum.visibility)."""

from machina.apps.forum_tracking import views as machina_views

from forum.visibility import topic_visibility_q


class UnreadTopicsView(machina_views.UnreadTopicsView):
    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(topic_visibility_q(user=self.request.user))
            .select_related("forum", "poster", "last_post", "last_post__poster")
        )

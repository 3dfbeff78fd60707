"""machina's read tracking, without a scan of the whole board on every topic view.

machina's ``mark_topic_read`` records the topic as read and then asks whether every topic of
the board is now read (to replace the topic marks by one board mark). That question joins the
board's topics to the reader's marks: at 25,000 topics in a board it cost 45 ms of a topic
page's SQL, on every view by a member (DESIGN.md: machina #299), and it grows with the board.

Whether the board can have become fully read is known from two small numbers first: the
reader's topic marks in the board against the board's approved topics (``direct_topics_count``,
kept by machina), or, once the board carries a mark, against the topics with a post since
then. Only when the marks could cover them all does machina's own check run, so the outcome
is machina's and the common case costs two indexed counts. A topic the reader has read since
its last post is not marked again: one indexed read, no write — and none at all once that answer
is kept for the reader (forum.reader_state: kept until a read mark of theirs changes, keyed by
the topic's board and last post).
"""

from machina.apps.forum_conversation.models import Topic
from machina.apps.forum_tracking.handler import TrackingHandler as MachinaTrackingHandler
from machina.apps.forum_tracking.models import ForumReadTrack, TopicReadTrack

from forum.reader_state import read_through_known, read_through_remember


class TrackingHandler(MachinaTrackingHandler):
    def mark_topic_read(self, topic, user):
        if not user.is_authenticated:
            return
        where = {
            "topic_id": topic.pk,
            "forum_id": topic.forum_id,
            "last_post_on": topic.last_post_on,
        }
        if read_through_known(user, **where):
            return
        self._mark_topic_read(topic, user)
        read_through_remember(user, **where)

    def _mark_topic_read(self, topic, user):
        track = TopicReadTrack.objects.filter(topic=topic, user=user).first()
        if track is not None and not _newer(topic, track.mark_time):
            # Nothing new since the reader's mark: no write, and the board's state is what
            # it was when the mark was set (machina, too, asks only when a topic is marked).
            return
        forum = topic.forum
        forum_track = ForumReadTrack.objects.filter(forum=forum, user=user).first()
        if forum_track is not None and not _newer(topic, forum_track.mark_time):
            return  # already read through the board's mark
        if self._board_may_be_read(topic=topic, user=user, forum_track=forum_track):
            super().mark_topic_read(topic, user)
            return
        if track is None:
            TopicReadTrack.objects.get_or_create(topic=topic, user=user)
        else:
            track.save()  # mark_time is auto_now

    @staticmethod
    def _board_may_be_read(*, topic, user, forum_track) -> bool:
        """False when some topic of the board is certainly unread after marking this one."""
        forum = topic.forum
        marks = TopicReadTrack.objects.filter(topic__forum=forum, user=user)
        if forum_track is None:
            return marks.count() + 1 >= forum.direct_topics_count
        since = Topic.objects.filter(
            forum=forum, approved=True, last_post_on__gt=forum_track.mark_time
        )
        return marks.count() + 1 >= since.count()


def _newer(topic, mark_time) -> bool:
    """Has the topic a post the reader has not seen since ``mark_time``?"""
    return bool(topic.last_post_on and mark_time < topic.last_post_on)

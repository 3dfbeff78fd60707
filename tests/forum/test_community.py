"""Accepted answers, reports and the moderators' queue, notifications and badges."""

from django.core import mail
from django.urls import reverse
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards.models import AcceptedAnswer, Board, Notification, PostReport
from forum.boards.notifications import notification_preference_set
from tests.conftest import make_topic
from tests.factories import UserFactory
from tests.forum.conftest import forum_url, topic_url


def reply(topic, poster, content="回复"):
    return Post.objects.create(
        topic=topic, poster=poster, subject=f"Re: {topic.subject}", content=content, approved=True
    )


# Accepted answers


def test_author_marks_accepted_answer_and_topic_shows_solved(client, boards, member):
    helper = UserFactory(username="helper")
    question = make_topic(
        forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="钢琴老师"
    )
    answer = reply(question, helper, "推荐王老师，电话见私信")
    client.force_login(member)

    response = client.post(reverse("boards:answer_accept", kwargs={"pk": answer.pk}))

    assert response.status_code == 302
    page = client.get(topic_url(question)).content.decode()
    assert 'data-testid="accepted-answer"' in page and "推荐王老师" in page
    solved = client.get(forum_url(question.forum), {"solved": "solved"}).content.decode()
    unsolved = client.get(forum_url(question.forum), {"solved": "unsolved"}).content.decode()
    assert "钢琴老师" in solved and "钢琴老师" not in unsolved


def test_an_accepted_answer_pays_its_author_once_and_a_self_answer_nothing(client, boards, member):
    from portal.members.points import points_balances

    helper = UserFactory(username="helper")
    question = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="问")
    answer = reply(question, helper)
    own = reply(question, member, "我自己找到了")
    client.force_login(member)
    before = points_balances(member=helper)

    client.post(reverse("boards:answer_accept", kwargs={"pk": answer.pk}))
    paid = points_balances(member=helper)
    client.post(reverse("boards:answer_accept", kwargs={"pk": own.pk}))
    client.post(reverse("boards:answer_accept", kwargs={"pk": answer.pk}))

    assert paid != before
    assert points_balances(member=helper) == paid
    assert not any(points_balances(member=member).values())


def test_moderator_may_accept_an_answer(client, boards, member, moderator):
    question = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="问")
    answer = reply(question, UserFactory(username="helper"))
    client.force_login(moderator)

    client.post(reverse("boards:answer_accept", kwargs={"pk": answer.pk}))

    assert AcceptedAnswer.objects.get(topic=question).post == answer


def test_someone_else_cannot_accept_an_answer(client, boards, member, owner_a):
    question = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="问")
    answer = reply(question, UserFactory(username="helper"))
    client.force_login(owner_a)

    response = client.post(reverse("boards:answer_accept", kwargs={"pk": answer.pk}))

    assert response.status_code == 403
    assert not AcceptedAnswer.objects.exists()


def test_answers_are_only_for_mutual_help(client, boards, member):
    topic = make_topic(forum=boards[Board.Kind.COMMUNITY].forum, poster=member, subject="打球")
    answer = reply(topic, UserFactory(username="helper"))
    client.force_login(member)

    assert client.post(reverse("boards:answer_accept", kwargs={"pk": answer.pk})).status_code == 403


# Reports


def test_member_reports_a_post_and_moderator_sees_it_in_context(client, boards, member, moderator):
    spammer = UserFactory(username="spammer")
    topic = make_topic(forum=boards[Board.Kind.COMMUNITY].forum, poster=spammer, subject="广告")
    client.force_login(member)

    client.post(
        reverse("boards:post_report", kwargs={"pk": topic.first_post_id}),
        {"reason": "spam", "comment": "卖保健品"},
    )

    client.force_login(moderator)
    queue = client.get(reverse("boards:report_queue")).content.decode()
    assert "卖保健品" in queue and "广告" in queue


def test_the_report_queue_is_for_moderators_only(client, boards, member, property_staff):
    for user in (member, property_staff):
        client.force_login(user)
        assert client.get(reverse("boards:report_queue")).status_code == 403
    client.logout()
    assert client.get(reverse("boards:report_queue")).status_code == 302


def make_report(boards, reporter, poster_name="spammer"):
    poster = UserFactory(username=poster_name)
    topic = make_topic(forum=boards[Board.Kind.COMMUNITY].forum, poster=poster, subject="广告帖")
    return PostReport.objects.create(post=topic.first_post, reporter=reporter, reason="spam")


def decide(client, report, decision):
    return client.post(
        reverse("boards:report_decide", kwargs={"pk": report.pk}), {"decision": decision}
    )


def test_moderator_dismisses_a_report(client, boards, member, moderator):
    report = make_report(boards, member)
    client.force_login(moderator)

    decide(client, report, "dismiss")

    report.refresh_from_db()
    assert report.status == PostReport.Status.DISMISSED
    assert "广告帖" not in client.get(reverse("boards:report_queue")).content.decode()


def test_moderator_hides_a_reported_post(client, boards, member, moderator):
    report = make_report(boards, member)
    client.force_login(moderator)

    decide(client, report, "hide")

    assert not Post.objects.get(pk=report.post_id).approved
    assert PostReport.objects.get(pk=report.pk).action == PostReport.Action.HIDE


def test_moderator_locks_the_topic_of_a_reported_post(client, boards, member, moderator):
    report = make_report(boards, member)
    client.force_login(moderator)

    decide(client, report, "lock")

    assert Topic.objects.get(pk=report.post.topic_id).is_locked


def test_moderator_warns_the_author(client, boards, member, moderator):
    report = make_report(boards, member)
    client.force_login(moderator)

    decide(client, report, "warn")

    warning = Notification.objects.get(recipient__username="spammer")
    assert warning.kind == Notification.Kind.WARNING


def test_moderator_edit_goes_to_the_post_editor(client, boards, member, moderator):
    report = make_report(boards, member)
    client.force_login(moderator)

    response = decide(client, report, "edit")

    assert response.status_code == 302 and "/post/update/" in response["Location"]


def test_member_cannot_decide_a_report(client, boards, member):
    report = make_report(boards, UserFactory(username="other"))
    client.force_login(member)

    assert decide(client, report, "hide").status_code == 403
    assert Post.objects.get(pk=report.post_id).approved


# Notifications


def test_subscriber_gets_an_on_site_notification_and_email_if_opted_in(
    client, boards, member, django_capture_on_commit_callbacks
):
    helper = UserFactory(username="helper")
    with django_capture_on_commit_callbacks(execute=True):
        question = make_topic(
            forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="求推荐钢琴老师"
        )
    notification_preference_set(user=member, email_on_reply=True)

    with django_capture_on_commit_callbacks(execute=True):
        reply(question, helper, "王老师不错")

    notification = Notification.objects.get(recipient=member)
    assert "求推荐钢琴老师" in notification.message
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [member.email]
    client.force_login(member)
    page = client.get("/forum/").content.decode()
    assert 'data-testid="header-notifications"' in page
    assert "求推荐钢琴老师" in client.get(reverse("boards:notifications")).content.decode()


def test_no_email_without_opt_in(boards, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        question = make_topic(
            forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="问"
        )
    with django_capture_on_commit_callbacks(execute=True):
        reply(question, UserFactory(username="helper"))

    assert Notification.objects.filter(recipient=member).count() == 1
    assert mail.outbox == []


def test_subscriber_who_cannot_see_a_private_complaint_is_not_notified(
    boards, private_complaint, complainant, owner_a, moderator, django_capture_on_commit_callbacks
):
    private_complaint.subscribers.add(owner_a, complainant)

    with django_capture_on_commit_callbacks(execute=True):
        reply(private_complaint, moderator, "已转物业处理")

    assert Notification.objects.filter(recipient=complainant).exists()
    assert not Notification.objects.filter(recipient=owner_a).exists()


def test_notifications_page_needs_login(client):
    assert client.get(reverse("boards:notifications")).status_code == 302


# Badges


def test_badges_beside_names(client, boards, owner_a, moderator, property_staff):
    topic = make_topic(forum=boards[Board.Kind.COMMUNITY].forum, poster=owner_a, subject="打球")
    reply(topic, moderator)
    reply(topic, property_staff)

    page = client.get(topic_url(topic)).content.decode()

    assert "翠湖天地" in page and 'data-testid="badge-owner"' in page
    assert 'data-testid="badge-moderator"' in page
    assert 'data-testid="badge-staff"' in page and "物业" in page


def test_level_badge_shows_unless_the_member_hides_it(client, boards, member):
    from portal.members.models import MemberLevel

    profile = member.member_profile
    profile.level = MemberLevel.objects.get(code="gold")
    profile.save()
    topic = make_topic(forum=boards[Board.Kind.COMMUNITY].forum, poster=member, subject="打球")

    assert 'data-testid="badge-level"' in client.get(topic_url(topic)).content.decode()

    profile.show_level_badge = False
    profile.save()
    assert 'data-testid="badge-level"' not in client.get(topic_url(topic)).content.decode()


def test_staff_carry_no_level_badge_and_badges_are_apart(client, boards, owner_a, property_staff):
    import re

    from portal.members.models import MemberLevel

    for user in (owner_a, property_staff):
        user.member_profile.level = MemberLevel.objects.get(code="silver")
        user.member_profile.save()
    topic = make_topic(forum=boards[Board.Kind.COMMUNITY].forum, poster=owner_a, subject="打球")
    reply(topic, property_staff)

    page = client.get(topic_url(topic)).content.decode()

    # The owner: level and owner badges, separated; the staff member: the department only.
    assert page.count('data-testid="badge-level"') == 1
    assert page.count('data-testid="badge-staff"') == 1
    assert re.search(r'badge-level">[^<]+</span> <span[^>]+badge-owner', page)

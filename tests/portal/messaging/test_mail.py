"""Finding 7 of #13: every mail leaves through the outbox and a task, with retries and back-off;
a request never fails because the mail server is down; staff see what waits and what failed.

Real SMTP: a port nothing listens on (connection refused), then aiosmtpd on that same port.
"""

import socket
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from django.core import mail as django_mail
from django.core.mail import send_mail
from django.core.management import call_command
from django.utils import timezone

from portal.members.models import User
from portal.messaging.mail import mail_retry, mail_send_due
from portal.messaging.models import OutgoingMail
from tests.factories import UserFactory
from tests.portal.conftest import staff_with

SIGNUP = {
    "username": "newcomer",
    "email": "newcomer@example.com",
    "password1": "a-long-pass-phrase",
    "password2": "a-long-pass-phrase",
    "real_name": "王小明",
    "mobile": "13912345678",
    "city": "上海",
    "privacy_consent": "on",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def outbox_to_smtp(settings, smtp_port):
    """The production path: the outbox backend, delivering by SMTP to 127.0.0.1:<smtp_port>."""
    settings.EMAIL_BACKEND = "portal.messaging.mail.OutboxEmailBackend"
    settings.MAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp_port


@pytest.fixture
def smtp_server(smtp_port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield inbox
    controller.stop()


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_sign_up_with_the_mail_server_down_succeeds_and_the_mail_waits(
    client, db, outbox_to_smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", SIGNUP)

    assert response.status_code == 302
    assert User.objects.filter(username="newcomer").exists()
    waiting = OutgoingMail.objects.get()
    assert waiting.to == ["newcomer@example.com"]
    assert waiting.status == OutgoingMail.Status.WAITING
    assert waiting.attempts == 1
    assert "ConnectionRefused" in waiting.last_error
    # The first retry is a minute later, not at once (back-off).
    assert timedelta(seconds=50) < waiting.next_attempt_at - timezone.now() <= timedelta(60)


def test_password_reset_with_the_mail_server_down_succeeds(
    client, db, outbox_to_smtp, django_capture_on_commit_callbacks
):
    UserFactory(username="forgetful", email="forgetful@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "forgetful@example.com"})

    assert response.status_code == 302
    assert OutgoingMail.objects.get().to == ["forgetful@example.com"]
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.WAITING


def test_waiting_mail_is_delivered_once_the_server_is_back(
    client, db, outbox_to_smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", SIGNUP)
    waiting = OutgoingMail.objects.get()

    # Not yet due: nothing is tried.
    assert mail_send_due() == {"sent": 0, "waiting": 0, "failed": 0}

    controller = Controller(Inbox(), hostname="127.0.0.1", port=outbox_to_smtp)
    controller.start()
    try:
        call_command("mail_outbox_send", stdout=__import__("io").StringIO())  # still not due
        assert mail_send_due(now=timezone.now() + timedelta(minutes=2))["sent"] == 1
    finally:
        controller.stop()

    waiting.refresh_from_db()
    assert waiting.status == OutgoingMail.Status.SENT and waiting.attempts == 2
    ((recipients, message),) = controller.handler.messages
    assert recipients == ["newcomer@example.com"]
    assert "[客户会]" in subject_of(message)


def test_mail_is_sent_by_a_task_after_commit_when_the_server_is_up(
    db, outbox_to_smtp, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        count = send_mail("工单状态更新", "您的工单已处理", None, ["member@example.com"])

    assert count == 1
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT
    ((recipients, message),) = smtp_server.messages
    assert subject_of(message) == "工单状态更新"
    assert recipients == ["member@example.com"]


def test_a_rolled_back_change_sends_no_mail(db, outbox_to_smtp, smtp_server):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("不会发出", "正文", None, ["member@example.com"])
        raise RuntimeError

    assert not OutgoingMail.objects.exists()
    assert smtp_server.messages == []


def test_retries_back_off_and_end_in_failed(
    db, outbox_to_smtp, settings, django_capture_on_commit_callbacks
):
    settings.MAIL_RETRY_DELAYS = [60, 600]
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("通知", "正文", None, ["member@example.com"])
    stored = OutgoingMail.objects.get()
    first_due = stored.next_attempt_at

    mail_send_due(now=first_due + timedelta(seconds=1))
    stored.refresh_from_db()
    assert stored.attempts == 2 and stored.status == OutgoingMail.Status.WAITING
    # The second delay is the longer one, counted from the failed attempt.
    assert stored.next_attempt_at - timezone.now() > timedelta(seconds=590)

    mail_send_due(now=stored.next_attempt_at + timedelta(seconds=1))
    stored.refresh_from_db()
    assert stored.attempts == 3 and stored.status == OutgoingMail.Status.FAILED


def test_retry_now_sends_failed_mail_again(
    db, outbox_to_smtp, smtp_server, django_capture_on_commit_callbacks
):
    failed = OutgoingMail.objects.create(
        from_email="noreply@example.com",
        to=["member@example.com"],
        subject="重发",
        body="正文",
        status=OutgoingMail.Status.FAILED,
        attempts=6,
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert mail_retry(mail_ids=[failed.pk]) == 1

    failed.refresh_from_db()
    assert failed.status == OutgoingMail.Status.SENT
    assert [subject_of(m) for _r, m in smtp_server.messages] == ["重发"]


def test_html_alternatives_and_attachments_survive_the_outbox(
    db, outbox_to_smtp, smtp_server, django_capture_on_commit_callbacks
):
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives("月报", "纯文本", None, ["staff@example.com"])
    message.attach_alternative("<p>网页版</p>", "text/html")
    message.attach("receipt.pdf", b"%PDF-1.4\x00\xff\xfe", "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        message.send()

    ((_recipients, received),) = smtp_server.messages
    parts = {part.get_content_type(): part for part in received.walk()}
    assert "<p>网页版</p>" in parts["text/html"].get_payload(decode=True).decode("utf-8")
    assert parts["application/pdf"].get_payload(decode=True) == b"%PDF-1.4\x00\xff\xfe"


def test_the_admin_lists_waiting_and_failed_mail_for_staff_only(client, db):
    OutgoingMail.objects.create(
        from_email="a@example.com", to=["w@example.com"], subject="等待中的邮件", body=""
    )
    OutgoingMail.objects.create(
        from_email="a@example.com",
        to=["f@example.com"],
        subject="失败的邮件",
        body="",
        status=OutgoingMail.Status.FAILED,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    url = "/django-admin/messaging/outgoingmail/"

    assert client.get(url).status_code == 302  # visitor: the admin's login
    client.force_login(UserFactory(username="plain"))
    assert client.get(url).status_code == 302
    client.force_login(staff_with("view_memberprofile", username="other_staff"))
    assert client.get(url).status_code == 403

    admin = UserFactory(username="mailadmin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(url).text
    failed_only = client.get(url + "?status__exact=failed").text

    assert "等待中的邮件" in page and "失败的邮件" in page
    assert "失败的邮件" in failed_only and "等待中的邮件" not in failed_only
    assert "Connection refused" in failed_only


def test_with_the_default_test_settings_mail_still_reaches_locmem(db):
    send_mail("测试", "正文", None, ["member@example.com"])

    assert [m.subject for m in django_mail.outbox] == ["测试"]


def test_a_case_mail_with_the_server_down_waits_instead_of_failing(
    db, outbox_to_smtp, django_capture_on_commit_callbacks
):
    from forum.cases.notify import case_mail_send

    with django_capture_on_commit_callbacks(execute=True):
        result = case_mail_send.enqueue(
            recipients=["member@example.com"], subject="工单已分派", body="正文"
        )

    assert result.status == "SUCCESSFUL"  # the task itself no longer fails
    waiting = OutgoingMail.objects.get()
    assert (waiting.subject, waiting.status, waiting.attempts) == ("工单已分派", "waiting", 1)

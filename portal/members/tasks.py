from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_points_expiry_notice(*, notice_id: int) -> None:
    """Mail a member that reward points will expire (year-end carry-over, 结转)."""
    from portal.members.models import PointsExpiryNotice

    notice = PointsExpiryNotice.objects.select_related("member").filter(pk=notice_id).first()
    if notice is None or not notice.member.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"notice": notice, "member": notice.member, "site_url": settings.SITE_URL}
        subject = render_to_string("portal/email/points_expiry_subject.txt", context).strip()
        body = render_to_string("portal/email/points_expiry_body.txt", context)
    send_mail(subject, body, None, [notice.member.email])

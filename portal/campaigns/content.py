"""What a campaign says to one member: template variables, SMS length, the mail's parts and its
signed links (unsubscribe, click tracking)."""

import re
import string

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.html import escape, linebreaks, urlize
from django.utils.translation import gettext as _

from portal.messaging.sms import sms_segments

VARIABLES = ("name", "level", "points", "activity_time")
# What the editor's counter and the approval check put in for the variables: typical lengths.
SAMPLE_VALUES = {"name": "张小明", "level": "白金卡", "points": "12345", "activity_time": ""}
# Marketing SMS in mainland China must say how to opt out.
SMS_OPT_OUT = " 回T退订"
UNSUBSCRIBE_SALT = "campaigns.unsubscribe"
CLICK_SALT = "campaigns.click"
UNSUBSCRIBE_PLACEHOLDER = "%%UNSUBSCRIBE_URL%%"


class TemplateTextError(ValueError):
    pass


def template_variables_check(text: str) -> list[str]:
    """The variables ``text`` uses; raises TemplateTextError for one that does not exist."""
    used = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise TemplateTextError(
            _("Braces must come in pairs around a variable, e.g. {name}.")
        ) from exc
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in VARIABLES or spec or conversion:
            raise TemplateTextError(
                _("Unknown variable {%(field)s}; use one of: %(known)s.")
                % {"field": field, "known": " ".join(f"{{{v}}}" for v in VARIABLES)}
            )
        used.append(field)
    return used


def template_render(text: str, values: dict) -> str:
    return text.format_map({name: values.get(name, "") for name in VARIABLES})


def sms_text_for(*, text: str, values: dict, marketing: bool) -> str:
    rendered = template_render(text, values)
    return rendered + SMS_OPT_OUT if marketing else rendered


def sms_sample_segments(*, text: str, activity_time: str, marketing: bool) -> int:
    template_variables_check(text)  # raises TemplateTextError before rendering can fail
    values = {**SAMPLE_VALUES, "activity_time": activity_time}
    return sms_segments(sms_text_for(text=text, values=values, marketing=marketing))


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(*, delivery_id: int, member_id: int) -> str:
    return signing.dumps({"d": delivery_id, "m": member_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) and "m" in data else None


def unsubscribe_url(*, delivery_id: int, member_id: int) -> str:
    token = unsubscribe_token(delivery_id=delivery_id, member_id=member_id)
    return site_url(reverse("campaign_unsubscribe", kwargs={"token": token}))


def click_token(*, delivery_id: int, url: str) -> str:
    return signing.dumps({"d": delivery_id, "u": url}, salt=CLICK_SALT, compress=True)


def click_token_read(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=CLICK_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not str(data.get("u", "")).startswith(("http://", "https://")):
        return None
    return data


HREF = re.compile(r'href="(https?://[^"]+)"')


def links_tracked(html: str, *, delivery_id: int) -> str:
    """Every http(s) link of the mail through the signed redirect (no pixel, no script)."""

    def tracked(match):
        url = match.group(1).replace("&amp;", "&")
        token = click_token(delivery_id=delivery_id, url=url)
        url = site_url(reverse("campaign_click", kwargs={"token": token}))
        return f'href="{escape(url)}"'

    return HREF.sub(tracked, html)


def mail_body_html(text: str) -> str:
    """A plain-text body as a mail-safe HTML part (styles inline); its web addresses become
    links, which ``links_tracked`` then sends through the click redirect."""
    return (
        '<div style="font-family:sans-serif;font-size:15px;line-height:1.6;color:#222">'
        f"{linebreaks(urlize(text, autoescape=True))}</div>"
    )

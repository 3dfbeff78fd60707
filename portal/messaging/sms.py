"""SMS: one interface, a backend per provider, chosen by the ``SMS_URL`` setting.

    SMS_URL=console://            print messages (the default; development and tests)
    SMS_URL=aliyun://KEY:SECRET@dysmsapi.aliyuncs.com?sign_name=..&template=..
                                  Alibaba Cloud SMS (portal/messaging/sms_aliyun.py)

A backend's ``send`` returns the provider's message id or raises ``SmsError`` with the reason
(the caller decides whether to retry). Texts are counted in SMS segments as carriers bill them:
70 characters in one message, 67 per part once a text is split (UCS-2, which any Chinese text
uses).
"""

import logging
import math
import sys
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

SINGLE_SEGMENT_CHARS = 70
MULTIPART_SEGMENT_CHARS = 67
# scheme of SMS_URL -> backend class; provider adapters add theirs here.
BACKENDS = {
    "console": "portal.messaging.sms.ConsoleSmsBackend",
    "aliyun": "portal.messaging.sms_aliyun.AliyunSmsBackend",
}


class SmsError(Exception):
    """The provider refused or could not be reached; ``retryable`` says whether to try again."""

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class SmsConfig:
    scheme: str
    username: str
    password: str
    host: str
    port: int | None
    path: str
    query: str


class SmsBackend:
    def __init__(self, config: SmsConfig):
        self.config = config

    def send(self, *, mobile: str, text: str) -> str:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Writes each message to standard output; the message id is made up locally."""

    stream = None

    def send(self, *, mobile: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        stream = self.stream or sys.stdout
        stream.write(f"SMS to {mobile} [{message_id}]: {text}\n")
        stream.flush()
        return message_id


def sms_segments(text: str) -> int:
    """How many SMS a text is billed as (0 for an empty text)."""
    length = len(text)
    if length <= SINGLE_SEGMENT_CHARS:
        return 1 if length else 0
    return math.ceil(length / MULTIPART_SEGMENT_CHARS)


def sms_config(url: str) -> SmsConfig:
    parts = urlsplit(url)
    return SmsConfig(
        scheme=parts.scheme,
        username=parts.username or "",
        password=parts.password or "",
        host=parts.hostname or "",
        port=parts.port,
        path=parts.path,
        query=parts.query,
    )


def get_sms_backend(url: str | None = None) -> SmsBackend:
    config = sms_config(url or getattr(settings, "SMS_URL", "") or "console://")
    if config.scheme not in BACKENDS:
        raise SmsError(f"unknown SMS backend {config.scheme!r} in SMS_URL", retryable=False)
    return import_string(BACKENDS[config.scheme])(config)


def sms_send(*, mobile: str, text: str) -> str:
    """Send one text now; returns the provider's message id, or raises SmsError."""
    if not mobile or not text:
        raise SmsError("an SMS needs a mobile number and a text", retryable=False)
    message_id = get_sms_backend().send(mobile=mobile, text=text)
    logger.info("sms sent to %s*** (%d segments)", mobile[:3], sms_segments(text))
    return message_id

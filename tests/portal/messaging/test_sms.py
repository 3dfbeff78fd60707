import io

import pytest

from portal.messaging import sms


def test_console_backend_prints_the_message_and_returns_an_id(settings, monkeypatch):
    settings.SMS_URL = "console://"
    out = io.StringIO()
    monkeypatch.setattr(sms.ConsoleSmsBackend, "stream", out)

    message_id = sms.sms_send(mobile="13800000001", text="您已报名成功")

    assert f"SMS to 13800000001 [{message_id}]: 您已报名成功" in out.getvalue()
    assert len(message_id) == 32


def test_unknown_backend_is_refused_without_retry(settings):
    settings.SMS_URL = "carrier-pigeon://"

    with pytest.raises(sms.SmsError) as error:
        sms.sms_send(mobile="13800000001", text="x")

    assert error.value.retryable is False


def test_missing_number_or_text_is_refused():
    with pytest.raises(sms.SmsError):
        sms.sms_send(mobile="", text="x")
    with pytest.raises(sms.SmsError):
        sms.sms_send(mobile="13800000001", text="")


@pytest.mark.parametrize(
    ("length", "segments"), [(0, 0), (1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3)]
)
def test_segments_are_counted_as_carriers_bill_them(length, segments):
    assert sms.sms_segments("会" * length) == segments

"""The Alibaba Cloud SMS adapter against a local HTTP server that checks the RPC signature the
way the provider documents it (sorted, RFC 3986-encoded parameters; HMAC-SHA1 with the secret
plus "&"; Base64)."""

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from portal.messaging import sms
from portal.messaging.sms_aliyun import AliyunSmsBackend, rpc_signature

SECRET = "testsecret"


def documented_signature(params: dict) -> str:
    """Written from the documentation, independently of the adapter."""

    def enc(value):
        return quote(value, safe="").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")

    query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
    to_sign = "GET&%2F&" + enc(query)
    digest = hmac.new((SECRET + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class Provider(BaseHTTPRequestHandler):
    received = []
    answer = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0"}

    def do_GET(self):
        params = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        signature = params.pop("Signature", "")
        if signature != documented_signature(params):
            body = {
                "Code": "SignatureDoesNotMatch",
                "Message": "Specified signature is not matched",
            }
            self.send_response(400)
        else:
            Provider.received.append(params)
            body = Provider.answer
            self.send_response(200)
        payload = json.dumps(body).encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    server = HTTPServer(("127.0.0.1", 0), Provider)
    Provider.received = []
    Provider.answer = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0"}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def test_signed_request_is_accepted_and_returns_the_biz_id(settings, provider):
    settings.SMS_URL = (
        f"aliyun://LTAIkey:{SECRET}@127.0.0.1:{provider}"
        "?sign_name=客户会&template=SMS_123456789&protocol=http"
    )

    message_id = sms.sms_send(mobile="13800000001", text="会员您好 回T退订")

    assert message_id == "900619746936498440^0"
    params = Provider.received[0]
    assert params["Action"] == "SendSms" and params["PhoneNumbers"] == "13800000001"
    assert params["SignName"] == "客户会" and params["TemplateCode"] == "SMS_123456789"
    assert json.loads(params["TemplateParam"]) == {"content": "会员您好 回T退订"}
    assert params["SignatureMethod"] == "HMAC-SHA1" and params["SignatureVersion"] == "1.0"


def test_wrong_secret_is_refused_by_the_server_and_not_retried(settings, provider):
    settings.SMS_URL = (
        f"aliyun://LTAIkey:wrong@127.0.0.1:{provider}?sign_name=客户会&template=SMS_1&protocol=http"
    )
    with pytest.raises(sms.SmsError) as error:
        sms.sms_send(mobile="13800000001", text="x")
    assert "SignatureDoesNotMatch" in str(error.value) and error.value.retryable is False


def test_provider_throttling_is_retryable(settings, provider):
    Provider.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}
    settings.SMS_URL = f"aliyun://LTAIkey:{SECRET}@127.0.0.1:{provider}?sign_name=客户会&template=SMS_1&protocol=http"
    with pytest.raises(sms.SmsError) as error:
        sms.sms_send(mobile="13800000001", text="x")
    assert error.value.retryable is True


def test_unreachable_provider_is_retryable(settings):
    settings.SMS_URL = "aliyun://k:s@127.0.0.1:9?sign_name=a&template=b&protocol=http&timeout=1"
    with pytest.raises(sms.SmsError) as error:
        sms.sms_send(mobile="13800000001", text="x")
    assert error.value.retryable is True


def test_incomplete_configuration_is_refused():
    with pytest.raises(sms.SmsError):
        sms.get_sms_backend("aliyun://k:s@dysmsapi.aliyuncs.com")


def test_signature_matches_the_documented_algorithm_for_reserved_characters():
    params = {"A": "a b*c~d/é", "Z": "1", "B": "+"}
    assert rpc_signature(params=params, secret=SECRET) == documented_signature(params)
    assert isinstance(AliyunSmsBackend, type)

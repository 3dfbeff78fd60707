"""Alibaba Cloud SMS (阿里云短信服务, dysmsapi ``SendSms``) over its HTTPS RPC API.

    SMS_URL=aliyun://ACCESS_KEY_ID:ACCESS_KEY_SECRET@dysmsapi.aliyuncs.com?sign_name=客户会&template=SMS_123456789

Alibaba Cloud sends only texts of an approved template: register one whose whole body is the
variable ``${content}`` (the campaigns compose the text); ``param`` renames that variable.
Optional query parameters: ``region`` (default ``cn-hangzhou``), ``param`` (``content``),
``protocol`` (``https``; ``http`` for a local test server) and ``timeout`` (seconds, 10).

Requests are signed as the RPC API documents ("Signature version 1.0"): the parameters sorted by
name, each name and value percent-encoded (RFC 3986, UTF-8: space as ``%20``, ``*`` as
``%2A``, ``~`` kept), joined into the canonical query; the string to sign is
``GET&%2F&`` + the percent-encoded canonical query; the signature is
``Base64(HMAC-SHA1(AccessKeySecret + "&", string to sign))``.
"""

import base64
import datetime
import hashlib
import hmac
import json
import uuid
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qs, quote
from urllib.request import urlopen

from portal.messaging.sms import SmsBackend, SmsError

API_VERSION = "2017-05-25"
# Error codes that will not change by trying again (the number, the template, the account).
PERMANENT_CODES = {
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.INVALID_PARAMETERS",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.PARAM_LENGTH_LIMIT",
    "isv.ACCOUNT_NOT_EXISTS",
    "isv.ACCOUNT_ABNORMAL",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId.NotFound",
}


def percent_encode(value: str) -> str:
    return quote(str(value), safe="~")


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(
        f"{percent_encode(key)}={percent_encode(params[key])}" for key in sorted(params)
    )


def rpc_signature(*, params: dict[str, str], secret: str, method: str = "GET") -> str:
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


class AliyunSmsBackend(SmsBackend):
    def __init__(self, config):
        super().__init__(config)
        options = {key: values[-1] for key, values in parse_qs(config.query).items()}
        self.sign_name = options.get("sign_name", "")
        self.template = options.get("template", "")
        self.param = options.get("param", "content")
        self.region = options.get("region", "cn-hangzhou")
        self.protocol = options.get("protocol", "https")
        self.timeout = float(options.get("timeout", 10))
        if not (config.username and config.password and self.sign_name and self.template):
            raise SmsError(
                "aliyun:// needs KEY:SECRET@host and sign_name and template", retryable=False
            )

    def request_params(self, *, mobile: str, text: str, now=None, nonce=None) -> dict[str, str]:
        now = now or datetime.datetime.now(datetime.UTC)
        params = {
            "AccessKeyId": self.config.username,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": mobile,
            "RegionId": self.region,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": self.template,
            "TemplateParam": json.dumps({self.param: text}, ensure_ascii=False),
            "Timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
        }
        params["Signature"] = rpc_signature(params=params, secret=self.config.password)
        return params

    def send(self, *, mobile: str, text: str) -> str:
        host = self.config.host + (f":{self.config.port}" if self.config.port else "")
        query = canonical_query(self.request_params(mobile=mobile, text=text))
        url = f"{self.protocol}://{host}/?{query}"
        try:
            with urlopen(url, timeout=self.timeout) as response:  # noqa: S310 (https or test http)
                body = response.read()
        except HTTPError as exc:
            body = exc.read()
            if exc.code >= 500 or not body:
                raise SmsError(f"aliyun HTTP {exc.code}") from exc
        except (URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"aliyun unreachable: {exc}") from exc
        try:
            answer = json.loads(body)
        except ValueError as exc:
            raise SmsError("aliyun answered something that is not JSON") from exc
        code = answer.get("Code", "")
        if code == "OK":
            return answer.get("BizId", "")
        raise SmsError(
            f"aliyun {code}: {answer.get('Message', '')}", retryable=code not in PERMANENT_CODES
        )

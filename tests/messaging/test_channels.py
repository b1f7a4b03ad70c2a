"""The messaging channels against real parts: an SMTP server in this process (aiosmtpd, with STARTTLS, implicit
TLS and AUTH over a throwaway CA made here), and a local HTTP server standing in for Alibaba Cloud's dysmsapi that
checks every request's signature itself. No mocks of smtplib or httpx."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import json
import logging
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from confirm.core.messaging import (
    AliyunSmsChannel,
    DeliveryError,
    MessagingConfig,
    OutgoingMessage,
    SmtpChannel,
    aliyun_canonical_query,
    aliyun_percent_encode,
    aliyun_rpc_signature,
    aliyun_string_to_sign,
    mask_address,
)

SUBJECT = "【就地】司法确认裁定已送达"
BODY = "张某某：您好！\n\n（2025）京0105民特123号民事裁定书已送达，请登录查看。验证码 314159。\n"
SENDER = "就地司法确认 <noreply@court.example.cn>"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def email_message(to: str = "zhang@example.com", message_id: str = "msg-0001") -> OutgoingMessage:
    return OutgoingMessage(message_id=message_id, kind="ruling.served", channel="email", to=to, subject=SUBJECT,
                           text=BODY, params={})


def sms_message(kind: str = "party.code", to: str = "13800138000", **params: str) -> OutgoingMessage:
    params = params or {"code": "271828"}
    return OutgoingMessage(message_id="msg-0002", kind=kind, channel="sms", to=to, subject="",
                           text="【就地】" + "，".join(params.values()), params=params)


# --------------------------------------------------------------------------------------------------------------
# A throwaway CA and server certificate, made in tmp (no key material in the repository)


@dataclass(frozen=True)
class Pki:
    ca_pem: Path
    cert_pem: Path
    key_pem: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert_pem, self.key_pem)
        return ctx

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_pem))


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    root = tmp_path_factory.mktemp("smtp-pki")
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Jiudi test mail CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pki = Pki(root / "ca.pem", root / "server.pem", root / "server.key")
    pki.ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
    return pki


# --------------------------------------------------------------------------------------------------------------
# SMTP servers


@dataclass
class Received:
    envelope: Envelope
    authenticated: bool | None
    tls: bool


@dataclass
class Collector:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        self.received.append(Received(envelope, session.authenticated, session.ssl is not None))
        return "250 2.0.0 OK"


class RefusingCollector(Collector):
    async def handle_RCPT(self, server: Any, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


USER, PASSWORD = "jiudi", "correct horse battery staple"


def authenticator(server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 235 or 535 itself


@pytest.fixture
def plain_server() -> Iterator[tuple[Controller, Collector]]:
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture
def refusing_server() -> Iterator[tuple[Controller, Collector]]:
    handler = RefusingCollector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture
def starttls_server(pki: Pki) -> Iterator[tuple[Controller, Collector]]:
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), tls_context=pki.server_context(),
                            require_starttls=True, auth_required=True, authenticator=authenticator)
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture
def tls_server(pki: Pki) -> Iterator[tuple[Controller, Collector]]:
    handler = Collector()
    # aiosmtpd counts only STARTTLS as TLS for AUTH; on an implicit-TLS listener the whole session is encrypted.
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ssl_context=pki.server_context(),
                            auth_required=True, auth_require_tls=False, authenticator=authenticator)
    controller.start()
    yield controller, handler
    controller.stop()


def parsed(received: Received) -> email.message.EmailMessage:
    raw = received.envelope.original_content or received.envelope.content
    assert isinstance(raw, bytes)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def test_email_with_chinese_subject_and_body_arrives_whole(plain_server: tuple[Controller, Collector],
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    controller, handler = plain_server
    channel = SmtpChannel("127.0.0.1", controller.port, security="none", username=None, password=None,
                          sender=SENDER)
    delivery = channel.send(email_message())

    assert delivery.provider_id == "<msg-0001@court.example.cn>"
    [received] = handler.received
    assert received.envelope.mail_from == "noreply@court.example.cn"
    assert received.envelope.rcpt_tos == ["zhang@example.com"]
    mail = parsed(received)
    assert mail["Subject"] == SUBJECT
    assert mail["To"] == "zhang@example.com"
    assert mail["From"].addresses[0].display_name == "就地司法确认"
    assert mail["From"].addresses[0].addr_spec == "noreply@court.example.cn"
    assert mail["Message-ID"] == "<msg-0001@court.example.cn>"
    assert mail["Date"].datetime.tzinfo is not None
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content() == BODY
    # What went over the wire is 7-bit clean: the Chinese is MIME-encoded, not raw bytes an old relay may mangle.
    raw = received.envelope.original_content or b""
    assert raw.isascii()
    # The log names the kind, the id and the masked address; never the text (it holds a code). ("mail.log" is the
    # test server's own log, which sees everything.)
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))
    assert "314159" not in logged and "zhang@example.com" not in logged
    assert "ruling.served msg-0001" in logged and "z***@example.com" in logged


def test_starttls_with_login_verifies_the_server_and_authenticates(
        starttls_server: tuple[Controller, Collector], pki: Pki) -> None:
    controller, handler = starttls_server
    channel = SmtpChannel("127.0.0.1", controller.port, security="starttls", username=USER, password=PASSWORD,
                          sender=SENDER, ssl_context=pki.client_context())
    delivery = channel.send(email_message(message_id="msg-0003"))

    assert delivery.provider_id == "<msg-0003@court.example.cn>"
    [received] = handler.received
    assert received.tls and received.authenticated
    assert parsed(received).get_content() == BODY


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls(tls_server: tuple[Controller, Collector], pki: Pki) -> None:
    controller, handler = tls_server
    channel = SmtpChannel("127.0.0.1", controller.port, security="tls", username=USER, password=PASSWORD,
                          sender=SENDER, ssl_context=pki.client_context())
    channel.send(email_message())
    [received] = handler.received
    assert received.authenticated and parsed(received)["Subject"] == SUBJECT


def test_wrong_password_is_permanent(starttls_server: tuple[Controller, Collector], pki: Pki) -> None:
    controller, handler = starttls_server
    channel = SmtpChannel("127.0.0.1", controller.port, security="starttls", username=USER, password="wrong",
                          sender=SENDER, ssl_context=pki.client_context())
    with pytest.raises(DeliveryError) as caught:
        channel.send(email_message())
    assert caught.value.permanent
    assert "535" in str(caught.value)
    assert handler.received == []


def test_untrusted_server_certificate_is_refused(starttls_server: tuple[Controller, Collector]) -> None:
    """The default context (the system's CAs) does not trust the test CA: no password goes to that server."""
    controller, handler = starttls_server
    channel = SmtpChannel("127.0.0.1", controller.port, security="starttls", username=USER, password=PASSWORD,
                          sender=SENDER)
    with pytest.raises(DeliveryError) as caught:
        channel.send(email_message())
    assert caught.value.permanent
    assert "certificate" in str(caught.value)
    assert handler.received == []


def test_server_without_starttls_is_not_used_in_clear(plain_server: tuple[Controller, Collector],
                                                      pki: Pki) -> None:
    controller, handler = plain_server
    channel = SmtpChannel("127.0.0.1", controller.port, security="starttls", username=USER, password=PASSWORD,
                          sender=SENDER, ssl_context=pki.client_context())
    with pytest.raises(DeliveryError) as caught:
        channel.send(email_message())
    assert caught.value.permanent
    assert handler.received == []


def test_refused_recipient_is_permanent_and_not_quoted_in_clear(
        refusing_server: tuple[Controller, Collector]) -> None:
    controller, handler = refusing_server
    channel = SmtpChannel("127.0.0.1", controller.port, security="none", username=None, password=None,
                          sender=SENDER)
    with pytest.raises(DeliveryError) as caught:
        channel.send(email_message(to="nobody@example.com"))
    assert caught.value.permanent
    assert "550" in str(caught.value)
    assert "nobody@example.com" not in str(caught.value)
    assert "n***@example.com" in str(caught.value)
    assert handler.received == []


def test_server_not_listening_is_retryable() -> None:
    channel = SmtpChannel("127.0.0.1", free_port(), security="starttls", username=None, password=None,
                          sender=SENDER, timeout=2.0)
    with pytest.raises(DeliveryError) as caught:
        channel.send(email_message())
    assert not caught.value.permanent


def test_email_refuses_bad_messages_before_connecting() -> None:
    channel = SmtpChannel("127.0.0.1", free_port(), security="none", username=None, password=None, sender=SENDER)
    for bad in (email_message(to="zhang@example.com\r\nBcc: all@example.com"), email_message(to="not-an-address"),
                email_message(message_id="a b"), sms_message()):
        with pytest.raises(DeliveryError) as caught:
            channel.send(bad)
        assert caught.value.permanent  # not "unreachable": nothing was sent


# --------------------------------------------------------------------------------------------------------------
# The Alibaba Cloud signature


# The worked example of Alibaba Cloud's SMS documentation, "短信服务 › 签名机制" (request signature,
# https://help.aliyun.com/document_detail/101343.html): AccessKeyId testId, AccessKeySecret testSecret, SendSms
# with a fixed SignatureNonce and Timestamp; its step 3 gives the string to sign and step 4 the signature.
DOC_SECRET = "testSecret"
DOC_PARAMS = {
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "AccessKeyId": "testId",
    "SignatureVersion": "1.0",
    "Timestamp": "2017-07-12T02:42:19Z",
    "Format": "XML",
    "Action": "SendSms",
    "Version": "2017-05-25",
    "RegionId": "cn-hangzhou",
    "PhoneNumbers": "15300000001",
    "SignName": "阿里云短信测试专用",
    "TemplateParam": '{"customer":"test"}',
    "TemplateCode": "SMS_71390007",
    "OutId": "123",
}
DOC_SORTED_QUERY = (
    "AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou"
    "&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8"
    "&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0"
    "&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D"
    "&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25"
)
DOC_STRING_TO_SIGN = (
    "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001"
    "%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4"
    "%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1"
    "%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007"
    "%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z"
    "%26Version%3D2017-05-25"
)
DOC_SIGNATURE = "zJDF+Lrzhj/ThnlvIToysFRq6t4="
DOC_SIGNATURE_IN_URL = "zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D"


def test_signature_matches_the_documented_example_byte_for_byte() -> None:
    assert aliyun_canonical_query(DOC_PARAMS) == DOC_SORTED_QUERY
    assert aliyun_string_to_sign(DOC_PARAMS) == DOC_STRING_TO_SIGN
    assert aliyun_rpc_signature(DOC_PARAMS, DOC_SECRET) == DOC_SIGNATURE
    assert aliyun_percent_encode(DOC_SIGNATURE) == DOC_SIGNATURE_IN_URL
    # A Signature already among the parameters takes no part in signing.
    assert aliyun_rpc_signature({**DOC_PARAMS, "Signature": "stale"}, DOC_SECRET) == DOC_SIGNATURE


def test_percent_encoding_follows_alibabas_rules() -> None:
    # The three fixups Alibaba documents on top of form encoding: "+"→%20 (a space), "*"→%2A, "%7E"→"~".
    assert aliyun_percent_encode("a b") == "a%20b"
    assert aliyun_percent_encode("*") == "%2A"
    assert aliyun_percent_encode("~") == "~"
    assert aliyun_percent_encode("A-Z_a.z~09") == "A-Z_a.z~09"
    assert aliyun_percent_encode("+/=&:\"{}") == "%2B%2F%3D%26%3A%22%7B%7D"
    assert aliyun_percent_encode("张") == "%E5%BC%A0"
    # And twice over in the string to sign, as the server computes it.
    assert aliyun_string_to_sign({"K": "x *~+"}, "POST") == "POST&%2F&K%3Dx%2520%252A~%252B"


# --------------------------------------------------------------------------------------------------------------
# A stand-in for dysmsapi.aliyuncs.com that checks the signature itself

FAKE_KEY_ID, FAKE_SECRET = "LTAI-test-key", "test-secret/with+odd*chars"
SIGN_NAME = "就地司法确认"
TEMPLATES = {"party.code": "SMS_100001", "party.confirm_link": "SMS_100002"}


@dataclass
class FakeDysms:
    url: str
    requests: list[dict[str, str]] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    answer_code: str = "OK"
    answer_status: int = 200
    report_status: int = 3  # QuerySendDetails' SendStatus: 1 waiting for the receipt, 2 failed, 3 delivered
    report_received: str = "2026-11-30 16:05:09"  # ReceiveDate, China's time


def _handler_for(state: FakeDysms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep the test output clean
            pass

        def do_GET(self) -> None:
            self._answer("GET", urlsplit(self.path).query)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            assert self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded")
            self._answer("POST", self.rfile.read(length).decode("ascii"))

        def _answer(self, method: str, query: str) -> None:
            params = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=True))
            state.requests.append(params)
            state.methods.append(method)
            signature = params.pop("Signature", "")
            if signature != aliyun_rpc_signature(params, FAKE_SECRET, method):
                return self._json(400, {"Code": "SignatureDoesNotMatch", "RequestId": "req-sig",
                                        "Message": "Specified signature is not matched with our calculation."})
            if params.get("Action") == "QuerySendDetails":
                return self._report(params)
            expected = {"Action": "SendSms", "Version": "2017-05-25", "AccessKeyId": FAKE_KEY_ID,
                        "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignName": SIGN_NAME}
            wrong = {k: params.get(k) for k, v in expected.items() if params.get(k) != v}
            missing = [k for k in ("PhoneNumbers", "TemplateCode", "OutId", "SignatureNonce", "Timestamp")
                       if not params.get(k)]
            if wrong or missing:
                return self._json(400, {"Code": "InvalidParameter", "RequestId": "req-param",
                                        "Message": f"wrong {wrong}, missing {missing}"})
            if state.answer_code != "OK":
                return self._json(state.answer_status, {"Code": state.answer_code, "RequestId": "req-no",
                                                        "Message": f"refused {params['PhoneNumbers']}"})
            return self._json(200, {"Code": "OK", "Message": "OK", "RequestId": "req-ok",
                                    "BizId": f"900619746936498440^{len(state.requests)}"})

        def _report(self, params: dict[str, str]) -> None:
            sent = [r for r in state.requests if r.get("Action") == "SendSms" and r.get("PhoneNumbers") ==
                    params.get("PhoneNumber")]
            if not sent or not params.get("BizId") or len(params.get("SendDate", "")) != 8:
                return self._json(400, {"Code": "isv.INVALID_PARAMETERS", "RequestId": "req-q", "Message": "bad query"})
            detail = {"SendStatus": state.report_status, "ErrCode": "DELIVERED" if state.report_status == 3 else "MK:0001",
                      "PhoneNum": params["PhoneNumber"], "ReceiveDate": state.report_received if state.report_status == 3 else ""}
            return self._json(200, {"Code": "OK", "Message": "OK", "RequestId": "req-q", "TotalCount": 1,
                                    "SmsSendDetailDTOs": {"SmsSendDetailDTO": [detail]}})

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def running_fake_dysms() -> Iterator[FakeDysms]:
    """The local stand-in for dysmsapi, serving on 127.0.0.1 until the block ends (also used by tests/e2e)."""
    state = FakeDysms(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def dysms(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDysms]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)  # 127.0.0.1 must be reached directly
    with running_fake_dysms() as state:
        yield state


def sms_channel(dysms: FakeDysms, secret: str = FAKE_SECRET) -> AliyunSmsChannel:
    return AliyunSmsChannel(FAKE_KEY_ID, secret, SIGN_NAME, TEMPLATES, endpoint=dysms.url, timeout=5.0)


def test_sms_is_signed_and_answers_the_bizid(dysms: FakeDysms, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx's included
    message = sms_message(kind="party.confirm_link", case="（2025）京0105民特123号",
                          link="https://jiudi.example.cn/c/Ab3*x y~")
    delivery = sms_channel(dysms).send(message)

    assert delivery.provider_id == "900619746936498440^1"
    [params] = dysms.requests
    assert params["PhoneNumbers"] == "13800138000"
    assert params["SignName"] == SIGN_NAME
    assert params["TemplateCode"] == "SMS_100002"
    assert json.loads(params["TemplateParam"]) == message.params
    assert "（2025）京0105民特123号" in params["TemplateParam"]  # ensure_ascii=False: Chinese as it is
    assert params["OutId"] == "msg-0002"
    assert params["Format"] == "JSON"
    # The number and the link never reach a log line, not even httpx's.
    assert "13800138000" not in caplog.text and "Ab3" not in caplog.text
    assert "138****8000" in caplog.text


def test_sms_nonces_differ_between_requests(dysms: FakeDysms) -> None:
    channel = sms_channel(dysms)
    channel.send(sms_message(code="111111"))
    channel.send(sms_message(code="222222"))
    assert dysms.requests[0]["SignatureNonce"] != dysms.requests[1]["SignatureNonce"]
    assert [json.loads(p["TemplateParam"]) for p in dysms.requests] == [{"code": "111111"}, {"code": "222222"}]


def test_wrong_secret_is_refused_by_the_server_and_permanent(dysms: FakeDysms) -> None:
    with pytest.raises(DeliveryError) as caught:
        sms_channel(dysms, secret="not-the-secret").send(sms_message())
    assert caught.value.permanent
    assert "SignatureDoesNotMatch" in str(caught.value)


def test_illegal_mobile_number_answer_is_permanent(dysms: FakeDysms) -> None:
    dysms.answer_code = "isv.MOBILE_NUMBER_ILLEGAL"
    with pytest.raises(DeliveryError) as caught:
        sms_channel(dysms).send(sms_message(to="19999999999"))
    assert caught.value.permanent
    assert "isv.MOBILE_NUMBER_ILLEGAL" in str(caught.value)
    assert "19999999999" not in str(caught.value)  # the provider quoted it; we do not pass it on


def test_flow_control_answer_is_retryable(dysms: FakeDysms) -> None:
    dysms.answer_code = "isv.BUSINESS_LIMIT_CONTROL"
    with pytest.raises(DeliveryError) as caught:
        sms_channel(dysms).send(sms_message())
    assert not caught.value.permanent
    assert "isv.BUSINESS_LIMIT_CONTROL" in str(caught.value)


def test_server_error_is_retryable(dysms: FakeDysms) -> None:
    dysms.answer_code, dysms.answer_status = "ServiceUnavailable", 503
    with pytest.raises(DeliveryError) as caught:
        sms_channel(dysms).send(sms_message())
    assert not caught.value.permanent


def test_kind_without_template_is_permanent_and_sends_nothing(dysms: FakeDysms) -> None:
    with pytest.raises(DeliveryError) as caught:
        sms_channel(dysms).send(sms_message(kind="performance.reminder"))
    assert caught.value.permanent
    assert "performance.reminder" in str(caught.value)
    assert dysms.requests == []


def test_not_a_mainland_mobile_number_is_permanent_and_sends_nothing(dysms: FakeDysms) -> None:
    for to in ("1380013800", "23800138000", "zhang@example.com"):
        with pytest.raises(DeliveryError) as caught:
            sms_channel(dysms).send(sms_message(to=to))
        assert caught.value.permanent
    assert dysms.requests == []


def test_unreachable_endpoint_is_retryable() -> None:
    channel = AliyunSmsChannel(FAKE_KEY_ID, FAKE_SECRET, SIGN_NAME, TEMPLATES,
                               endpoint=f"http://127.0.0.1:{free_port()}/", timeout=2.0)
    with pytest.raises(DeliveryError) as caught:
        channel.send(sms_message())
    assert not caught.value.permanent


# --------------------------------------------------------------------------------------------------------------
# Configuration


def test_nothing_configured_means_no_channels() -> None:
    config = MessagingConfig.from_env({})
    assert config.channels() == {}
    assert config.smtp_host is None and config.sms_provider is None


@pytest.mark.parametrize(("security", "port"), [(None, 587), ("starttls", 587), ("tls", 465), ("none", 25)])
def test_smtp_port_defaults_follow_the_security(security: str | None, port: int) -> None:
    env = {"JIUDI_SMTP_HOST": "smtp.court.example.cn", "JIUDI_MAIL_FROM": SENDER}
    if security:
        env["JIUDI_SMTP_SECURITY"] = security
    config = MessagingConfig.from_env(env)
    assert (config.smtp_port, config.smtp_security) == (port, security or "starttls")
    assert list(config.channels()) == ["email"]


def test_explicit_port_and_empty_variables() -> None:
    config = MessagingConfig.from_env({"JIUDI_SMTP_HOST": "mx", "JIUDI_SMTP_PORT": "2525", "JIUDI_MAIL_FROM": SENDER,
                                       "JIUDI_SMTP_USER": "", "JIUDI_SMS_PROVIDER": ""})
    assert config.smtp_port == 2525 and config.smtp_user is None and config.sms_provider is None


def test_secrets_from_files_and_repr_hides_them(tmp_path: Path) -> None:
    (tmp_path / "smtp").write_text("pa ss-word-77\n", encoding="utf-8")
    (tmp_path / "sms").write_text("sms-secret-88\n", encoding="utf-8")
    config = MessagingConfig.from_env({
        "JIUDI_SMTP_HOST": "smtp.court.example.cn",
        "JIUDI_SMTP_SECURITY": "tls",
        "JIUDI_SMTP_USER": "jiudi",
        "JIUDI_SMTP_PASSWORD_FILE": str(tmp_path / "smtp"),
        "JIUDI_MAIL_FROM": SENDER,
        "JIUDI_SMS_PROVIDER": "aliyun",
        "JIUDI_SMS_ACCESS_KEY_ID": "LTAI-id",
        "JIUDI_SMS_ACCESS_KEY_SECRET_FILE": str(tmp_path / "sms"),
        "JIUDI_SMS_SIGN_NAME": SIGN_NAME,
        "JIUDI_SMS_TEMPLATES": " party.code=SMS_123 , party.confirm_link=SMS_456,",
    })
    assert config.smtp_password == "pa ss-word-77"
    assert config.sms_access_key_secret == "sms-secret-88"
    assert dict(config.sms_templates) == {"party.code": "SMS_123", "party.confirm_link": "SMS_456"}
    assert config.sms_endpoint == "https://dysmsapi.aliyuncs.com/"
    channels = config.channels()
    assert isinstance(channels["email"], SmtpChannel) and isinstance(channels["sms"], AliyunSmsChannel)
    for shown in (repr(config), str(config), repr(channels)):
        assert "pa ss-word-77" not in shown and "sms-secret-88" not in shown
    assert "LTAI-id" in repr(config) and "smtp.court.example.cn" in repr(config)


def test_configured_sms_channel_reaches_its_endpoint(dysms: FakeDysms) -> None:
    config = MessagingConfig.from_env({
        "JIUDI_SMS_PROVIDER": "aliyun", "JIUDI_SMS_ACCESS_KEY_ID": FAKE_KEY_ID,
        "JIUDI_SMS_ACCESS_KEY_SECRET": FAKE_SECRET, "JIUDI_SMS_SIGN_NAME": SIGN_NAME,
        "JIUDI_SMS_TEMPLATES": "party.code=SMS_100001", "JIUDI_SMS_ENDPOINT": dysms.url,
    })
    assert list(config.channels()) == ["sms"]
    assert config.channels()["sms"].send(sms_message()).provider_id == "900619746936498440^1"
    assert dysms.requests[0]["TemplateCode"] == "SMS_100001"


SMS_OK = {"JIUDI_SMS_PROVIDER": "aliyun", "JIUDI_SMS_ACCESS_KEY_ID": "id", "JIUDI_SMS_ACCESS_KEY_SECRET": "s",
          "JIUDI_SMS_SIGN_NAME": "就地", "JIUDI_SMS_TEMPLATES": "party.code=SMS_1"}
SMTP_OK = {"JIUDI_SMTP_HOST": "mx", "JIUDI_MAIL_FROM": SENDER}


@pytest.mark.parametrize(("env", "variable"), [
    ({"JIUDI_SMTP_HOST": "mx"}, "JIUDI_MAIL_FROM"),
    ({**SMTP_OK, "JIUDI_MAIL_FROM": "no address"}, "JIUDI_MAIL_FROM"),
    ({**SMTP_OK, "JIUDI_SMTP_SECURITY": "ssl"}, "JIUDI_SMTP_SECURITY"),
    ({**SMTP_OK, "JIUDI_SMTP_PORT": "smtp"}, "JIUDI_SMTP_PORT"),
    ({**SMTP_OK, "JIUDI_SMTP_PORT": "70000"}, "JIUDI_SMTP_PORT"),
    ({**SMTP_OK, "JIUDI_SMTP_USER": "jiudi"}, "JIUDI_SMTP_PASSWORD"),
    ({**SMTP_OK, "JIUDI_SMTP_PASSWORD": "pw"}, "JIUDI_SMTP_USER"),
    ({**SMTP_OK, "JIUDI_SMTP_USER": "u", "JIUDI_SMTP_PASSWORD": "pw", "JIUDI_SMTP_PASSWORD_FILE": "/x"},
     "JIUDI_SMTP_PASSWORD_FILE"),
    ({**SMTP_OK, "JIUDI_SMTP_USER": "u", "JIUDI_SMTP_PASSWORD_FILE": "/nonexistent/jiudi-pw"},
     "JIUDI_SMTP_PASSWORD_FILE"),
    ({**SMTP_OK, "JIUDI_SMTP_USER": "u", "JIUDI_SMTP_PASSWORD": "pw", "JIUDI_SMTP_SECURITY": "none"},
     "JIUDI_SMTP_SECURITY"),
    ({"JIUDI_SMTP_USER": "u", "JIUDI_SMTP_PASSWORD": "pw"}, "JIUDI_SMTP_HOST"),
    ({"JIUDI_SMTP_PORT": "25"}, "JIUDI_SMTP_HOST"),
    ({**SMS_OK, "JIUDI_SMS_PROVIDER": "tencent"}, "JIUDI_SMS_PROVIDER"),
    ({k: v for k, v in SMS_OK.items() if k != "JIUDI_SMS_PROVIDER"}, "JIUDI_SMS_PROVIDER"),
    ({k: v for k, v in SMS_OK.items() if k != "JIUDI_SMS_ACCESS_KEY_ID"}, "JIUDI_SMS_ACCESS_KEY_ID"),
    ({k: v for k, v in SMS_OK.items() if k != "JIUDI_SMS_ACCESS_KEY_SECRET"}, "JIUDI_SMS_ACCESS_KEY_SECRET"),
    ({k: v for k, v in SMS_OK.items() if k != "JIUDI_SMS_SIGN_NAME"}, "JIUDI_SMS_SIGN_NAME"),
    ({k: v for k, v in SMS_OK.items() if k != "JIUDI_SMS_TEMPLATES"}, "JIUDI_SMS_TEMPLATES"),
    ({**SMS_OK, "JIUDI_SMS_TEMPLATES": "party.code"}, "JIUDI_SMS_TEMPLATES"),
    ({**SMS_OK, "JIUDI_SMS_TEMPLATES": "party.code=SMS_1,party.code=SMS_2"}, "JIUDI_SMS_TEMPLATES"),
    ({**SMS_OK, "JIUDI_SMS_ACCESS_KEY_SECRET_FILE": "/x"}, "JIUDI_SMS_ACCESS_KEY_SECRET_FILE"),
    ({**SMS_OK, "JIUDI_SMS_ENDPOINT": "http://dysmsapi.aliyuncs.com/"}, "JIUDI_SMS_ENDPOINT"),
])
def test_incomplete_or_contradictory_configuration_names_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ValueError, match=variable):
        MessagingConfig.from_env(env)


def test_mask_address() -> None:
    assert mask_address("13800000000") == "138****0000"
    assert mask_address("zhang@example.com") == "z***@example.com"
    assert mask_address("12345") == "***"


def test_the_operator_s_delivery_report_says_when_a_message_reached_the_phone(dysms: FakeDysms) -> None:
    channel = sms_channel(dysms)
    biz_id = channel.send(sms_message()).provider_id
    assert biz_id
    report = channel.delivery_report(biz_id, "13800138000", dt.date(2026, 11, 30))
    assert report.state == "delivered" and report.at == dt.datetime(2026, 11, 30, 8, 5, 9, tzinfo=dt.timezone.utc)
    query = dysms.requests[-1]
    assert (query["Action"], query["BizId"], query["SendDate"], query["PhoneNumber"]) == (
        "QuerySendDetails", biz_id, "20261130", "13800138000")
    dysms.report_status = 1
    assert channel.delivery_report(biz_id, "13800138000", dt.date(2026, 11, 30)).state == "pending"
    dysms.report_status = 2
    failed = channel.delivery_report(biz_id, "13800138000", dt.date(2026, 11, 30))
    assert failed.state == "failed" and failed.detail == "MK:0001"

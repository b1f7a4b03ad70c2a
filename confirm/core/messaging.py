"""Messaging channels: how a message to a party actually leaves the server (a text message or an e-mail).

A party is a member of the public, often on a cheap phone: a one-time code, a link to confirm the agreement, the
notice that a ruling was served. Each channel here sends one message and answers the provider's message id, or
raises ``DeliveryError`` saying whether a retry can help. No database: queuing, retries and the development
outbox belong to the caller.

Protocols and APIs implemented:

* E-mail over SMTP (RFC 5321) with the standard library's ``smtplib``: implicit TLS (RFC 8314, port 465) or
  STARTTLS (RFC 3207, port 587), the server's certificate always verified; AUTH only when a user is configured;
  an RFC 5322 message, UTF-8 subject (RFC 2047) and body.
* Alibaba Cloud Short Message Service, ``SendSms`` of API version 2017-05-25 (dysmsapi), over HTTPS with
  ``httpx``, signed with Alibaba's RPC signature (SignatureMethod HMAC-SHA1, SignatureVersion 1.0;
  "短信服务 › 签名机制", https://help.aliyun.com/document_detail/101343.html).

Configuration comes from ``JIUDI_SMTP_*``, ``JIUDI_MAIL_FROM`` and ``JIUDI_SMS_*`` (``MessagingConfig.from_env``).
The text of a message never reaches a log line (it may hold a one-time code): logs name the kind, our message id
and the masked recipient only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import re
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Protocol, cast
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import httpx

log = logging.getLogger("jiudi.messaging")
CHINA = ZoneInfo("Asia/Shanghai")  # the operators report receipt times in China's time

SmtpSecurity = Literal["starttls", "tls", "none"]
SMTP_SECURITIES: tuple[SmtpSecurity, ...] = ("starttls", "tls", "none")
SMTP_DEFAULT_PORTS: Mapping[str, int] = MappingProxyType({"starttls": 587, "tls": 465, "none": 25})

ALIYUN_SMS_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
ALIYUN_SMS_API_VERSION = "2017-05-25"

# Answers of SendSms after which sending the same message again cannot succeed: the number, the template, the
# signature name or the account is wrong, and only a person can fix it (help.aliyun.com/document_detail/101346).
ALIYUN_PERMANENT_CODES = frozenset({
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.MOBILE_COUNT_OVER_LIMIT",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.TEMPLATE_PARAMS_ILLEGAL",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.SMS_SIGN_ILLEGAL",
    "isv.SIGN_STATE_ILLEGAL",
    "isv.SMS_SIGNATURE_SCENE_ILLEGAL",
    "isv.SMS_CONTENT_ILLEGAL",
    "isv.INVALID_PARAMETERS",
    "isv.INVALID_JSON_PARAM",
    "isv.PARAM_LENGTH_LIMIT",
    "isv.PARAM_NOT_SUPPORT_URL",
    "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
    "isv.DENY_IP_RANGE",
    "isv.EXTEND_CODE_ERROR",
    "isv.ACCOUNT_NOT_EXISTS",
    "isv.ACCOUNT_ABNORMAL",
    "isv.PRODUCT_UN_SUBSCRIPT",
    "isv.PRODUCT_UNSUBSCRIBE",
    "isp.RAM_PERMISSION_DENY",
    "InvalidAccessKeyId.NotFound",
    "InvalidAccessKeyId.Inactive",
    "SignatureDoesNotMatch",
    "MissingParameter",
    "InvalidParameter",
})
# Answers that pass with time: flow control, daily or monthly quotas, an unpaid account, the provider's own faults.
ALIYUN_RETRYABLE_CODES = frozenset({
    "isv.BUSINESS_LIMIT_CONTROL",
    "isv.DAY_LIMIT_CONTROL",
    "isv.MONTH_LIMIT_CONTROL",
    "isv.OUT_OF_SERVICE",
    "isp.SYSTEM_ERROR",
    "isp.GATEWAY_ERROR",
    "Throttling.User",
    "Throttling",
    "ServiceUnavailable",
    "InternalError",
    "SignatureNonceUsed",
})

_MOBILE = re.compile(r"1\d{10}")
_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\]+")
_MESSAGE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")  # usable as a Message-ID local part and an OutId


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to one party, as the caller composed it."""

    message_id: str  # our stable id: the e-mail Message-ID local part and the SMS OutId
    kind: str  # "party.code", "party.confirm_link", "ruling.served", "performance.reminder", …
    channel: Literal["sms", "email"]
    to: str  # a mainland mobile number (11 digits starting with 1) or an e-mail address
    subject: str  # the e-mail subject (Chinese); unused for SMS
    text: str  # the whole text as the party reads it (the e-mail body, plain UTF-8 text)
    params: Mapping[str, str]  # the SMS template's variables, e.g. {"code": "123456"}


@dataclass(frozen=True)
class Delivery:
    """The provider took the message."""

    provider_id: str | None  # SMTP: the Message-ID we set; Aliyun: the BizId it answers


@dataclass(frozen=True)
class DeliveryReport:
    """What the provider reports of a message after sending it: ``delivered`` (at ``at``), ``failed`` or
    ``pending`` (not known yet)."""

    state: Literal["pending", "delivered", "failed"]
    at: datetime | None
    detail: str


class DeliveryError(Exception):
    """Sending failed. ``permanent`` when retrying cannot help (a refused address, a template the provider rejects,
    bad credentials); otherwise it is retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channel(Protocol):
    def send(self, message: OutgoingMessage) -> Delivery:
        """Hand one message to the provider; raise ``DeliveryError`` when it does not take it."""
        ...


def mask_address(to: str) -> str:
    """A recipient as a log line may show it: ``138****0000``, ``z***@example.com``."""
    to = to.strip()
    if "@" in to:
        local, _, domain = to.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if len(to) >= 8:
        return f"{to[:3]}****{to[-4:]}"
    return "***"


def _scrub(text: str, to: str) -> str:
    """A provider's answer without the recipient in clear (servers like to quote it back)."""
    return text.replace(to, mask_address(to)) if to else text


def _check_message(message: OutgoingMessage, channel: Literal["sms", "email"]) -> None:
    if message.channel != channel:
        raise DeliveryError(f"message {message.message_id} is for {message.channel}, not {channel}", permanent=True)
    if not _MESSAGE_ID.fullmatch(message.message_id):
        raise DeliveryError(f"message id {message.message_id!r} is not usable as a Message-ID or OutId",
                            permanent=True)


# ---------------------------------------------------------------------------------------------------------------
# E-mail


class SmtpChannel:
    """E-mail through an SMTP submission server (the court's or a mail provider's)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: SmtpSecurity,
        username: str | None,
        password: str | None,
        sender: str,
        timeout: float = 10.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if security not in SMTP_SECURITIES:
            raise ValueError(f"unknown SMTP security {security!r}")
        if username and password is None:
            raise ValueError("an SMTP user needs a password")
        if username and security == "none":
            raise ValueError("refusing to send an SMTP password without TLS")
        address = parseaddr(sender)[1]
        if not _EMAIL.fullmatch(address):
            raise ValueError(f"sender {sender!r} has no usable e-mail address")
        self.host = host
        self.port = port
        self.security = security
        self.username = username or None
        self._password = password
        self.sender = sender
        self.sender_address = address
        self.domain = address.rpartition("@")[2]
        self.timeout = timeout
        # Verified against the system's trust store unless a caller (a test) brings its own CA.
        self._ssl_context = ssl_context or ssl.create_default_context()

    def __repr__(self) -> str:
        return (f"SmtpChannel(host={self.host!r}, port={self.port}, security={self.security!r}, "
                f"username={self.username!r}, sender={self.sender!r})")

    def compose(self, message: OutgoingMessage) -> EmailMessage:
        """The RFC 5322 message for ``message``: UTF-8 plain text, our Message-ID."""
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail["Date"] = format_datetime(datetime.now(timezone.utc))
        mail["Message-ID"] = f"<{message.message_id}@{self.domain}>"
        mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
        mail.set_content(message.text, charset="utf-8")
        return mail

    def send(self, message: OutgoingMessage) -> Delivery:
        """Send one e-mail; the delivery's ``provider_id`` is the Message-ID header we set."""
        _check_message(message, "email")
        if not _EMAIL.fullmatch(message.to):
            raise DeliveryError(f"message {message.message_id}: {mask_address(message.to)} is not an e-mail address",
                                permanent=True)
        mail = self.compose(message)
        masked = mask_address(message.to)
        try:
            self._deliver(mail, message.to)
        except DeliveryError as exc:
            log.warning("e-mail %s %s to %s failed (%s): %s", message.kind, message.message_id, masked,
                        "permanent" if exc.permanent else "will retry", exc)
            raise
        log.info("e-mail %s %s sent to %s", message.kind, message.message_id, masked)
        return Delivery(provider_id=str(mail["Message-ID"]))

    def _deliver(self, mail: EmailMessage, to: str) -> None:
        try:
            client: smtplib.SMTP
            if self.security == "tls":
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._ssl_context)
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.security == "starttls":
                    client.ehlo()
                    # Never fall back to clear text: a server without STARTTLS raises SMTPNotSupportedError.
                    client.starttls(context=self._ssl_context)
                    client.ehlo()
                if self.username:
                    client.login(self.username, self._password or "")
                client.send_message(mail, from_addr=self.sender_address, to_addrs=[to])
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            answers = "; ".join(f"{code} {reply.decode('utf-8', 'replace')}" for code, reply in exc.recipients.values())
            raise DeliveryError(f"recipient refused: {_scrub(answers, to)}",
                                permanent=any(code >= 500 for code in codes)) from None
        except smtplib.SMTPNotSupportedError as exc:
            # The server lacks STARTTLS or AUTH: a configuration problem, not a passing one.
            raise DeliveryError(f"SMTP server {self.host}: {exc}", permanent=True) from None
        except smtplib.SMTPResponseException as exc:
            # Covers AUTH (535 bad credentials), MAIL FROM, DATA and a refused greeting: 5xx is final, 4xx passes.
            reply = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
            kind = "authentication failed" if isinstance(exc, smtplib.SMTPAuthenticationError) else "refused"
            raise DeliveryError(f"SMTP server {self.host} {kind}: {exc.smtp_code} {_scrub(reply, to)}",
                                permanent=exc.smtp_code >= 500) from None
        except ssl.SSLCertVerificationError as exc:
            # Retrying reaches the same certificate: the configuration (or the network) needs a person.
            raise DeliveryError(f"SMTP server {self.host}: certificate not trusted ({exc.verify_message})",
                                permanent=True) from None
        except (smtplib.SMTPException, OSError) as exc:
            # Connection refused, timeouts, DNS, a dropped connection: the next attempt may get through.
            raise DeliveryError(f"SMTP server {self.host}:{self.port} unreachable: {type(exc).__name__}: {exc}") from None


# ---------------------------------------------------------------------------------------------------------------
# Text messages: Alibaba Cloud SMS


def aliyun_percent_encode(value: str) -> str:
    """Alibaba's POP encoding: RFC 3986 on UTF-8, only ``A-Z a-z 0-9 - _ . ~`` left as they are.

    Alibaba describes it as Java's URLEncoder followed by ``+``→``%20``, ``*``→``%2A``, ``%7E``→``~``; Python's
    ``quote`` with nothing extra marked safe already encodes space as ``%20`` and ``*`` as ``%2A`` and keeps ``~``.
    """
    return quote(value.encode("utf-8"), safe="-_.~")


def aliyun_canonical_query(params: Mapping[str, str]) -> str:
    """The parameters (without ``Signature``) sorted by name, encoded, joined with ``=`` and ``&``."""
    return "&".join(
        f"{aliyun_percent_encode(key)}={aliyun_percent_encode(value)}"
        for key, value in sorted(params.items())
        if key != "Signature"
    )


def aliyun_string_to_sign(params: Mapping[str, str], method: str = "GET") -> str:
    """``METHOD&%2F&`` + the encoded canonical query (SignatureVersion 1.0)."""
    return f"{method.upper()}&{aliyun_percent_encode('/')}&{aliyun_percent_encode(aliyun_canonical_query(params))}"


def aliyun_rpc_signature(params: Mapping[str, str], secret: str, method: str = "GET") -> str:
    """The ``Signature`` parameter: base64 of HMAC-SHA1 over the string to sign, keyed with ``secret + "&"``."""
    mac = hmac.new((secret + "&").encode("utf-8"), aliyun_string_to_sign(params, method).encode("utf-8"),
                   hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


class AliyunSmsChannel:
    """Text messages through Alibaba Cloud SMS (``SendSms``), one approved template per message kind."""

    def __init__(
        self,
        access_key_id: str,
        access_key_secret: str,
        sign_name: str,
        templates: Mapping[str, str],
        *,
        endpoint: str = ALIYUN_SMS_ENDPOINT,
        timeout: float = 10.0,
    ) -> None:
        self.access_key_id = access_key_id
        self._secret = access_key_secret
        self.sign_name = sign_name
        self.templates: Mapping[str, str] = MappingProxyType(dict(templates))
        self.endpoint = endpoint
        self.timeout = timeout

    def __repr__(self) -> str:
        return (f"AliyunSmsChannel(access_key_id={self.access_key_id!r}, sign_name={self.sign_name!r}, "
                f"templates={dict(self.templates)!r}, endpoint={self.endpoint!r})")

    def request_params(self, message: OutgoingMessage, *, nonce: str, timestamp: str) -> dict[str, str]:
        """Every parameter of the ``SendSms`` request except ``Signature``."""
        template = self.templates.get(message.kind)
        if not template:
            raise DeliveryError(f"no SMS template configured for kind {message.kind!r} (JIUDI_SMS_TEMPLATES)",
                                permanent=True)
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": message.message_id,
            "PhoneNumbers": message.to,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce,
            "SignatureVersion": "1.0",
            "TemplateCode": template,
            "Timestamp": timestamp,
            "Version": ALIYUN_SMS_API_VERSION,
        }
        if message.params:
            params["TemplateParam"] = json.dumps(dict(message.params), ensure_ascii=False, separators=(",", ":"))
        return params

    def send(self, message: OutgoingMessage) -> Delivery:
        """Send one text message; the delivery's ``provider_id`` is Aliyun's BizId."""
        _check_message(message, "sms")
        masked = mask_address(message.to)
        try:
            biz_id = self._send(message)
        except DeliveryError as exc:
            log.warning("sms %s %s to %s failed (%s): %s", message.kind, message.message_id, masked,
                        "permanent" if exc.permanent else "will retry", exc)
            raise
        log.info("sms %s %s sent to %s (BizId %s)", message.kind, message.message_id, masked, biz_id)
        return Delivery(provider_id=biz_id)

    def _send(self, message: OutgoingMessage) -> str | None:
        if not _MOBILE.fullmatch(message.to):
            raise DeliveryError(f"{mask_address(message.to)} is not a mainland mobile number", permanent=True)
        params = self.request_params(
            message,
            nonce=uuid.uuid4().hex,  # Aliyun refuses a nonce seen in the last 15 minutes (replay protection)
            timestamp=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        answer = self._call(params, message.to, "SendSms")
        biz_id = answer.get("BizId")
        return str(biz_id) if biz_id else None

    def delivery_report(self, biz_id: str, to: str, sent_on: date) -> DeliveryReport:
        """What the operator reported of one message (``QuerySendDetails``): delivered to the phone and when,
        failed, or not yet known. ``sent_on`` is the day it was sent, in China's time."""
        params = {
            "AccessKeyId": self.access_key_id, "Action": "QuerySendDetails", "BizId": biz_id, "CurrentPage": "1",
            "Format": "JSON", "PageSize": "10", "PhoneNumber": to, "RegionId": "cn-hangzhou",
            "SendDate": sent_on.strftime("%Y%m%d"), "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0",
            "Timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": ALIYUN_SMS_API_VERSION,
        }
        answer = self._call(params, to, "QuerySendDetails")
        details = (answer.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or []
        if not details:
            return DeliveryReport("pending", None, "")
        first = details[0]
        status, error = int(first.get("SendStatus") or 1), str(first.get("ErrCode") or "")
        if status == 3:  # 1 waiting for the operator's receipt, 2 failed, 3 delivered (Aliyun's documentation)
            received = str(first.get("ReceiveDate") or "")
            at = datetime.strptime(received, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA) if received else None
            return DeliveryReport("delivered", at, error)
        return DeliveryReport("failed" if status == 2 else "pending", None, error)

    def _call(self, params: dict[str, str], to: str, action: str) -> dict[str, Any]:
        """Sign and POST one API call; the answer when its Code is OK, else DeliveryError.

        POST, not GET: the parameters (the number, the code) travel in the body, so they stay out of access logs
        and out of httpx's own "HTTP Request: …" log line, which prints the URL."""
        signature = aliyun_rpc_signature(params, self._secret, "POST")
        body = f"Signature={aliyun_percent_encode(signature)}&{aliyun_canonical_query(params)}"
        try:
            with httpx.Client(timeout=self.timeout) as client:
                response = client.post(
                    self.endpoint,
                    content=body.encode("ascii"),
                    headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
                )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"SMS endpoint unreachable: {type(exc).__name__}: {exc}") from None

        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or not isinstance(answer.get("Code"), str):
            # Not Aliyun's answer (a proxy's error page, a gateway timeout): try again later.
            raise DeliveryError(f"SMS endpoint answered HTTP {response.status_code} without a result code")
        code: str = answer["Code"]
        if code == "OK":
            return answer
        detail = _scrub(str(answer.get("Message") or ""), to)
        text = f"Aliyun {action} {code}: {detail} (RequestId {answer.get('RequestId')}, HTTP {response.status_code})"
        if code in ALIYUN_PERMANENT_CODES:
            raise DeliveryError(text, permanent=True)
        if code in ALIYUN_RETRYABLE_CODES:
            raise DeliveryError(text)
        # An answer we do not know: a client error will not fix itself, anything else may.
        raise DeliveryError(text, permanent=400 <= response.status_code < 500)


# ---------------------------------------------------------------------------------------------------------------
# Configuration


def _env(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    return value.strip() if value and value.strip() else None  # an empty variable (compose files) means unset


def _secret(env: Mapping[str, str], name: str) -> str | None:
    """A secret given in ``name`` or in the file named by ``name_FILE`` (Docker and systemd credentials)."""
    value = env.get(name) or None
    file_name = f"{name}_FILE"
    path = _env(env, file_name)
    if value is not None and path is not None:
        raise ValueError(f"{name} and {file_name} are both set; use one")
    if path is None:
        return value
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{file_name}: cannot read {path}: {exc.strerror or exc}") from None
    text = text.rstrip("\r\n")  # editors end files with a newline; the secret does not
    if not text:
        raise ValueError(f"{file_name}: {path} is empty")
    return text


def _parse_templates(text: str) -> dict[str, str]:
    templates: dict[str, str] = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        kind, sep, code = (part.strip() for part in item.partition("="))
        if not sep or not kind or not code:
            raise ValueError(f"JIUDI_SMS_TEMPLATES: {item!r} is not kind=TEMPLATE_CODE")
        if kind in templates:
            raise ValueError(f"JIUDI_SMS_TEMPLATES: kind {kind!r} appears twice")
        templates[kind] = code
    return templates


def _check_endpoint(endpoint: str) -> None:
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    # Plain HTTP only to this machine (a test double or a local relay): the body holds codes and signatures.
    if parts.scheme == "http" and loopback:
        return
    raise ValueError(f"JIUDI_SMS_ENDPOINT: {endpoint!r} must be an https:// URL")


@dataclass(frozen=True)
class MessagingConfig:
    """Which channels this installation has, read from the environment; secrets are kept out of its repr."""

    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_security: SmtpSecurity = "starttls"
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    mail_from: str | None = None
    sms_provider: str | None = None
    sms_access_key_id: str | None = None
    sms_access_key_secret: str | None = field(default=None, repr=False)
    sms_sign_name: str | None = None
    sms_templates: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    sms_endpoint: str = ALIYUN_SMS_ENDPOINT

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MessagingConfig:
        """Read ``JIUDI_SMTP_*``, ``JIUDI_MAIL_FROM`` and ``JIUDI_SMS_*``; ``ValueError`` naming the variable when
        the configuration is incomplete or contradictory."""
        return cls(**_smtp_from_env(env), **_sms_from_env(env))

    def channels(self) -> dict[str, Channel]:
        """The configured channels by name (``"email"``, ``"sms"``); ``{}`` when none is, and the caller keeps
        messages in its development outbox."""
        channels: dict[str, Channel] = {}
        if self.smtp_host is not None and self.mail_from is not None:
            channels["email"] = SmtpChannel(
                self.smtp_host,
                self.smtp_port,
                security=self.smtp_security,
                username=self.smtp_user,
                password=self.smtp_password,
                sender=self.mail_from,
            )
        if (self.sms_provider == "aliyun" and self.sms_access_key_id and self.sms_access_key_secret
                and self.sms_sign_name):
            channels["sms"] = AliyunSmsChannel(
                self.sms_access_key_id,
                self.sms_access_key_secret,
                self.sms_sign_name,
                self.sms_templates,
                endpoint=self.sms_endpoint,
            )
        return channels


def _smtp_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The e-mail half of ``MessagingConfig.from_env``."""
    security = _env(env, "JIUDI_SMTP_SECURITY") or "starttls"
    if security not in SMTP_SECURITIES:
        raise ValueError(f"JIUDI_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITIES)}, not {security!r}")
    smtp_security = cast(SmtpSecurity, security)  # checked just above
    host = _env(env, "JIUDI_SMTP_HOST")
    port_text = _env(env, "JIUDI_SMTP_PORT")
    user = _env(env, "JIUDI_SMTP_USER")
    password = _secret(env, "JIUDI_SMTP_PASSWORD")
    mail_from = _env(env, "JIUDI_MAIL_FROM")
    if host is None:
        for name, value in (("JIUDI_SMTP_PORT", port_text), ("JIUDI_SMTP_USER", user),
                            ("JIUDI_SMTP_PASSWORD", password)):
            if value is not None:
                raise ValueError(f"{name} is set but JIUDI_SMTP_HOST is not")
    if port_text is None:
        port = SMTP_DEFAULT_PORTS[smtp_security]
    else:
        try:
            port = int(port_text)
        except ValueError:
            port = 0
        if not 0 < port < 65536:
            raise ValueError(f"JIUDI_SMTP_PORT must be a port number, not {port_text!r}")
    if user is not None and password is None:
        raise ValueError("JIUDI_SMTP_USER is set without JIUDI_SMTP_PASSWORD or JIUDI_SMTP_PASSWORD_FILE")
    if password is not None and user is None:
        raise ValueError("JIUDI_SMTP_PASSWORD is set without JIUDI_SMTP_USER")
    if user is not None and smtp_security == "none":
        raise ValueError("JIUDI_SMTP_SECURITY=none with JIUDI_SMTP_USER would send the password in clear text")
    if host is not None:
        if mail_from is None:
            raise ValueError("JIUDI_MAIL_FROM is required when JIUDI_SMTP_HOST is set")
        if not _EMAIL.fullmatch(parseaddr(mail_from)[1]):
            raise ValueError(f"JIUDI_MAIL_FROM: {mail_from!r} has no usable e-mail address")

    return {"smtp_host": host, "smtp_port": port, "smtp_security": smtp_security, "smtp_user": user,
            "smtp_password": password, "mail_from": mail_from}


def _sms_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The text-message half of ``MessagingConfig.from_env``."""
    provider = _env(env, "JIUDI_SMS_PROVIDER")
    key_id = _env(env, "JIUDI_SMS_ACCESS_KEY_ID")
    key_secret = _secret(env, "JIUDI_SMS_ACCESS_KEY_SECRET")
    sign_name = _env(env, "JIUDI_SMS_SIGN_NAME")
    templates_text = _env(env, "JIUDI_SMS_TEMPLATES")
    endpoint = _env(env, "JIUDI_SMS_ENDPOINT") or ALIYUN_SMS_ENDPOINT
    templates = _parse_templates(templates_text) if templates_text else {}
    if provider is None:
        for name, value in (("JIUDI_SMS_ACCESS_KEY_ID", key_id), ("JIUDI_SMS_ACCESS_KEY_SECRET", key_secret),
                            ("JIUDI_SMS_SIGN_NAME", sign_name), ("JIUDI_SMS_TEMPLATES", templates_text),
                            ("JIUDI_SMS_ENDPOINT", _env(env, "JIUDI_SMS_ENDPOINT"))):
            if value is not None:
                raise ValueError(f"{name} is set but JIUDI_SMS_PROVIDER is not")
    elif provider != "aliyun":
        raise ValueError(f"JIUDI_SMS_PROVIDER: only 'aliyun' is supported, not {provider!r}")
    else:
        if key_id is None:
            raise ValueError("JIUDI_SMS_ACCESS_KEY_ID is required when JIUDI_SMS_PROVIDER is set")
        if key_secret is None:
            raise ValueError("JIUDI_SMS_ACCESS_KEY_SECRET (or JIUDI_SMS_ACCESS_KEY_SECRET_FILE) is required "
                             "when JIUDI_SMS_PROVIDER is set")
        if sign_name is None:
            raise ValueError("JIUDI_SMS_SIGN_NAME is required when JIUDI_SMS_PROVIDER is set")
        if not templates:
            raise ValueError("JIUDI_SMS_TEMPLATES is required when JIUDI_SMS_PROVIDER is set "
                             "(kind=TEMPLATE_CODE, comma-separated)")
        _check_endpoint(endpoint)

    return {"sms_provider": provider, "sms_access_key_id": key_id, "sms_access_key_secret": key_secret,
            "sms_sign_name": sign_name, "sms_templates": MappingProxyType(templates), "sms_endpoint": endpoint}

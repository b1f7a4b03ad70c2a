"""Timestamp sources for PAdES B-T seals (RFC 3161 time-stamp protocol).

Two pyHanko ``TimeStamper`` backends, chosen by configuration:

* ``DevTimestampAuthority`` — the built-in development TSA. It timestamps in-process when sealing, and
  ``respond(der)`` answers DER ``TimeStampReq`` bodies for the HTTP endpoint (``application/timestamp-query`` in,
  ``application/timestamp-reply`` out — pyHanko's HTTP client insists on exactly that reply content type).
* ``timestamper_from_url(url)`` — a remote RFC 3161 TSA over HTTP (``JIUDI_TSA_URL``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from asn1crypto import cms, core, tsp
from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign import general
from pyhanko.sign.general import simple_cms_attribute
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .certs import to_asn1_cert

log = logging.getLogger(__name__)

# A private OID for the development TSA's policy: 2.25.<UUID> (ITU-T X.667) needs no registration.
DEV_TSA_POLICY_OID = "2.25." + str(uuid.UUID("6f1b2a8e-3c7d-4e59-9a41-0d2f5b7c8e13").int)

# digests accepted in a TimeStampReq, with their output sizes
ACCEPTED_DIGESTS: dict[str, int] = {
    "sha256": 32,
    "sha384": 48,
    "sha512": 64,
    "sha3_256": 32,
    "sha3_384": 48,
    "sha3_512": 64,
}


class DevTimestampAuthority(DummyTimeStamper):
    """The built-in development RFC 3161 TSA: a pyHanko ``TimeStamper`` and a DER request/response responder.

    Thread-safe: every token is built from the request alone; the parsed RSA key is shared read-only.
    """

    def __init__(self, tsa_cert: x509.Certificate, tsa_key: RSAPrivateKey, chain: Sequence[x509.Certificate]):
        if not isinstance(tsa_key, RSAPrivateKey):
            raise TypeError("the development TSA signs with RSA only")
        pkcs8 = tsa_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        super().__init__(
            tsa_cert=to_asn1_cert(tsa_cert),
            tsa_key=asn1_keys.PrivateKeyInfo.load(pkcs8),
            certs_to_embed=[to_asn1_cert(c) for c in chain],  # type: ignore[arg-type]
        )
        self._rsa_key = tsa_key
        # the same in every token: encoded once (asn1crypto took several ms a token to build and encode it)
        self._signing_certificate_attr = simple_cms_attribute(
            "signing_certificate", general.as_signing_certificate(self.tsa_cert)
        ).dump()

    def respond(self, request_der: bytes) -> bytes:
        """Answer a DER ``TimeStampReq`` with a DER ``TimeStampResp`` (RFC 3161 §2.4); never raises."""
        try:
            req = tsp.TimeStampReq.load(request_der, strict=True)
            _ = req.native  # asn1crypto parses lazily: force it so that malformed input is caught here
        except Exception:  # any parse failure is the client's bad data
            log.debug("malformed TimeStampReq", exc_info=True)
            return _rejection("bad_data_format", "malformed TimeStampReq").dump()
        refusal = self._refusal(req)
        if refusal is not None:
            return refusal.dump()
        try:
            response = self.request_tsa_response(req)
        except Exception:  # report it to the client, don't crash the endpoint
            log.exception("development TSA failed to sign a timestamp")
            return _rejection("system_failure", "internal error").dump()
        if not req["cert_req"].native:
            response = _without_certificates(response)  # RFC 3161 §2.4.1: certReq false → no certificates
        return response.dump()

    def _refusal(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp | None:
        if req["version"].native != "v1":
            return _rejection("bad_request", "unsupported TimeStampReq version")
        imprint = req["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        if ACCEPTED_DIGESTS.get(algorithm) is None:
            return _rejection("bad_alg", f"unsupported digest algorithm {algorithm}")
        if len(imprint["hashed_message"].native) != ACCEPTED_DIGESTS[algorithm]:
            return _rejection("bad_data_format", "message imprint has the wrong length")
        policy = req["req_policy"].native
        if policy is not None and policy != DEV_TSA_POLICY_OID:
            return _rejection("unaccepted_policy", f"unsupported policy {policy}")
        if req["extensions"].native:
            return _rejection("unaccepted_extensions", "extensions are not supported")
        return None

    def _build_tst_info(
        self, message_imprint: tsp.MessageImprint, dt: datetime, req: tsp.TimeStampReq
    ) -> tsp.TSTInfo:
        tst_info = super()._build_tst_info(message_imprint, dt, req)
        tst_info["policy"] = tsp.ObjectIdentifier(DEV_TSA_POLICY_OID)
        return tst_info

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        # same signed attributes as DummyTimeStamper, but with the key parsed and the TSA's certificate reference
        # encoded once instead of on every token
        digest = _digest(md_algorithm, tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                cms.CMSAttribute.load(self._signing_certificate_attr),
                simple_cms_attribute("message_digest", digest),
            ]
        )
        signature = self._rsa_key.sign(
            signed_attrs.dump(), PKCS1v15(), get_pyca_cryptography_hash(md_algorithm)
        )
        return signature, signed_attrs


def timestamper_from_url(url: str, *, timeout: float = 5.0) -> TimeStamper:
    """A pyHanko ``HTTPTimeStamper`` for a remote RFC 3161 TSA (``JIUDI_TSA_URL``)."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"timestamp authority URL must be http(s): {url!r}")
    return HTTPTimeStamper(url, timeout=timeout)


def _digest(md_algorithm: str, data: bytes) -> bytes:
    md = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
    md.update(data)
    return md.finalize()


class TimeStampResp(tsp.TimeStampResp):
    """``TimeStampResp`` with the token optional, as RFC 3161 §2.4.2 has it (asn1crypto marks it required)."""

    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


def _rejection(fail_info: str, text: str) -> tsp.TimeStampResp:
    return TimeStampResp(
        {
            "status": tsp.PKIStatusInfo(
                {
                    "status": tsp.PKIStatus("rejection"),
                    "status_string": tsp.PKIFreeText([text]),
                    "fail_info": tsp.PKIFailureInfo({fail_info}),
                }
            )
        }
    )


def _without_certificates(response: tsp.TimeStampResp) -> tsp.TimeStampResp:
    token = response["time_stamp_token"]
    signed_data = token["content"]
    # the certificates are outside the signed attributes, so dropping them leaves the signature intact
    fields = (spec[0] for spec in cms.SignedData._fields)
    stripped = cms.SignedData(
        {
            name: signed_data[name]
            for name in fields
            if name != "certificates" and not isinstance(signed_data[name], core.Void)
        }
    )
    return tsp.TimeStampResp(
        {
            "status": response["status"],
            "time_stamp_token": cms.ContentInfo({"content_type": "signed_data", "content": stripped}),
        }
    )


__all__ = [
    "ACCEPTED_DIGESTS",
    "DEV_TSA_POLICY_OID",
    "DevTimestampAuthority",
    "TimeStampResp",
    "timestamper_from_url",
]

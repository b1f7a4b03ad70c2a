"""Revocation data of the development PKI: the root's CRL (RFC 5280 §5) and an OCSP responder (RFC 6960).

``RevocationAuthority`` holds the root key in memory and answers from the revocation list in
``data_dir/keys/revoked.json`` (serial number in hex → revocation time, written under the PKI lock):

* ``crl_der()`` — the current CRL, DER; serve it at ``DevPki.crl_url`` (``GET /dev/pki/root.crl``,
  ``application/pkix-crl``);
* ``respond_ocsp(request_der)`` — a DER ``OCSPResponse`` for a DER ``OCSPRequest``; serve it at
  ``DevPki.ocsp_url`` (``POST /dev/pki/ocsp``, ``application/ocsp-request`` in, ``application/ocsp-response``
  out); never raises — malformed requests get ``malformedRequest``;
* ``revocation_data(certs)`` — the CRL and one OCSP response per certificate, for sealing in-process (B-LT).

Responses are signed by the root itself (no delegated responder), valid for ``FRESHNESS``; the CRL is cached
until half of that has passed or a certificate is revoked.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from .dev_pki import DevPki
from .files import exclusive_lock, write_private_file

FRESHNESS = dt.timedelta(days=7)
CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class RevocationData:
    """DER CRLs and OCSP responses, ready for a pyHanko ``ValidationContext(crls=..., ocsps=...)``."""

    crls: tuple[bytes, ...]
    ocsp_responses: tuple[bytes, ...]


class RevocationAuthority:
    """The development root's CRL issuer and OCSP responder. Thread-safe."""

    def __init__(self, pki: DevPki) -> None:
        self._pki = pki
        self._root_key = pki.load_root_key()
        self._lock = threading.Lock()
        self._crl: tuple[dt.datetime, bytes] | None = None

    @property
    def _store(self) -> Path:
        return self._pki.paths.keys_dir / "revoked.json"

    def revoked(self) -> dict[int, dt.datetime]:
        """Serial number → revocation time of every revoked certificate."""
        if not self._store.exists():
            return {}
        raw = json.loads(self._store.read_text("utf-8"))
        return {int(serial, 16): dt.datetime.fromisoformat(at) for serial, at in raw.items()}

    def revoke(self, cert: x509.Certificate, at: dt.datetime | None = None) -> None:
        """Revoke ``cert`` (issued by the root) as of ``at`` (default: now). Idempotent."""
        at = at or dt.datetime.now(dt.UTC)
        with exclusive_lock(self._pki.paths.lock):
            entries = {f"{s:x}": t.isoformat() for s, t in self.revoked().items()}
            entries.setdefault(f"{cert.serial_number:x}", at.isoformat())
            write_private_file(self._store, json.dumps(entries, indent=1).encode("utf-8"))
        with self._lock:
            self._crl = None

    def crl_der(self) -> bytes:
        """The root's current CRL (DER)."""
        now = dt.datetime.now(dt.UTC)
        with self._lock:
            if self._crl is not None and now - self._crl[0] < FRESHNESS / 2:
                return self._crl[1]
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self._pki.root_cert.subject)
            .last_update(now - CLOCK_SKEW)
            .next_update(now + FRESHNESS)
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._root_key.public_key()), critical=False
            )
        )
        for serial, at in self.revoked().items():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(at).build()
            )
        der = builder.sign(self._root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
        with self._lock:
            self._crl = (now, der)
        return der

    def ocsp_response(self, cert: x509.Certificate) -> bytes:
        """A signed OCSP response (DER) on ``cert``'s status, as the root's responder gives it."""
        now = dt.datetime.now(dt.UTC)
        revoked_at = self.revoked().get(cert.serial_number)
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=cert,
            issuer=self._pki.root_cert,
            algorithm=hashes.SHA256(),
            cert_status=ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD,
            this_update=now - CLOCK_SKEW,
            next_update=now + FRESHNESS,
            revocation_time=revoked_at,
            revocation_reason=None,
        )
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, self._pki.root_cert)
        response = builder.sign(self._root_key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)

    def respond_ocsp(self, request_der: bytes) -> bytes:
        """Answer a DER ``OCSPRequest`` (one certificate) with a DER ``OCSPResponse``; never raises."""
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
        if request.issuer_key_hash != _key_hash(self._pki.root_cert, request.hash_algorithm):
            return _unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)
        cert = self._find(request.serial_number)
        if cert is None:
            return _unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)
        return self.ocsp_response(cert)

    def revocation_data(self, certs: Iterable[x509.Certificate]) -> RevocationData:
        """The CRL plus an OCSP response for every certificate in ``certs`` issued by the root."""
        root = self._pki.root_cert
        responses = tuple(self.ocsp_response(c) for c in certs if c.issuer == root.subject and c != root)
        return RevocationData(crls=(self.crl_der(),), ocsp_responses=responses)

    def _find(self, serial: int) -> x509.Certificate | None:
        # the responder knows the certificates it issued: the TSA and every court seal (current or retired)
        candidates = [self._pki.tsa_cert]
        for path in self._pki.paths.courts_dir.rglob("seal.pem") if self._pki.paths.courts_dir.exists() else ():
            candidates.extend(x509.load_pem_x509_certificates(path.read_bytes()))
        return next((c for c in candidates if c.serial_number == serial), None)


def _key_hash(cert: x509.Certificate, algorithm: hashes.HashAlgorithm) -> bytes:
    from cryptography.x509.ocsp import OCSPRequestBuilder

    probe = OCSPRequestBuilder().add_certificate(cert, cert, algorithm).build()
    return probe.issuer_key_hash


def _unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(serialization.Encoding.DER)


__all__ = ["FRESHNESS", "RevocationAuthority", "RevocationData"]

"""Revocation data from where each certificate says it is published, fetched at sealing time (B-LT, B-LTA).

A production seal certificate names its CA's OCSP responder (RFC 6960, in Authority Information Access) and CRL
distribution points (RFC 5280). For every certificate of the seal's chain and of the TSA's, this source asks the
OCSP responder and, when there is none or it does not answer, downloads a CRL. It never guesses: a certificate
for which no revocation data can be had makes the seal fail (``SealingError``), so a ruling is not issued with
less than the configured level. Whether the data says "revoked" is checked by ``signing.levels``; whether it is
authentic and fresh is checked by pyHanko when it validates the chain before embedding the data (hard-fail).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID

from .request import SealingError

MAX_RESPONSE_BYTES = 10 * 1024 * 1024  # a CRL of a national CA can be large; more than this is not a CRL


@dataclass(frozen=True)
class FetchedRevocationData:
    crls: tuple[bytes, ...]
    ocsp_responses: tuple[bytes, ...]


class FetchingRevocationSource:
    """A ``RevocationSource`` that fetches OCSP responses and CRLs over HTTP from the certificates' own URLs."""

    def __init__(self, *, timeout: float = 10.0) -> None:
        self.timeout = timeout

    def revocation_data(self, certs: Iterable[x509.Certificate]) -> FetchedRevocationData:
        certs = list(certs)
        issuers = {c.subject: c for c in certs}
        crls: dict[str, bytes] = {}
        responses: list[bytes] = []
        with httpx.Client(timeout=self.timeout, follow_redirects=True) as http:
            for cert in certs:
                if cert.issuer == cert.subject:
                    continue  # a root is trusted as such; it has no revocation status
                failures: list[str] = []
                issuer = issuers.get(cert.issuer)
                answer = self._ocsp(http, cert, issuer, failures) if issuer is not None else None
                if answer is not None:
                    responses.append(answer)
                    continue
                if not self._crl(http, cert, crls, failures):
                    why = "; ".join(failures) or "it names neither an OCSP responder nor a CRL distribution point"
                    raise SealingError(f"no revocation data for {cert.subject.rfc4514_string()}: {why}")
        return FetchedRevocationData(crls=tuple(crls.values()), ocsp_responses=tuple(responses))

    def _ocsp(self, http: httpx.Client, cert: x509.Certificate, issuer: x509.Certificate,
              failures: list[str]) -> bytes | None:
        for url in _ocsp_urls(cert):
            request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1()).build()
            try:
                reply = http.post(url, content=request.public_bytes(serialization.Encoding.DER),
                                  headers={"Content-Type": "application/ocsp-request"})
                reply.raise_for_status()
                answer = ocsp.load_der_ocsp_response(_bounded(reply))
            except (httpx.HTTPError, ValueError) as exc:
                failures.append(f"OCSP {url}: {exc}")
                continue
            if answer.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
                failures.append(f"OCSP {url}: {answer.response_status.name}")
                continue
            if answer.serial_number != cert.serial_number:
                failures.append(f"OCSP {url}: the answer is about another certificate")
                continue
            return _bounded(reply)
        return None

    def _crl(self, http: httpx.Client, cert: x509.Certificate, crls: dict[str, bytes], failures: list[str]) -> bool:
        for url in _crl_urls(cert):
            if url in crls:
                return True
            try:
                reply = http.get(url)
                reply.raise_for_status()
                body = _bounded(reply)
                crl = (x509.load_pem_x509_crl(body) if body.lstrip().startswith(b"-----")
                       else x509.load_der_x509_crl(body))
            except (httpx.HTTPError, ValueError) as exc:
                failures.append(f"CRL {url}: {exc}")
                continue
            if crl.issuer != cert.issuer:
                failures.append(f"CRL {url}: issued by {crl.issuer.rfc4514_string()}, not by the certificate's CA")
                continue
            crls[url] = crl.public_bytes(serialization.Encoding.DER)
            return True
        return False


def _bounded(reply: httpx.Response) -> bytes:
    if len(reply.content) > MAX_RESPONSE_BYTES:
        raise ValueError(f"answer of {len(reply.content)} bytes is too large")
    return reply.content


def _ocsp_urls(cert: x509.Certificate) -> list[str]:
    try:
        access = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return []
    return [d.access_location.value for d in access
            if d.access_method == AuthorityInformationAccessOID.OCSP
            and isinstance(d.access_location, x509.UniformResourceIdentifier)
            and d.access_location.value.startswith(("http://", "https://"))]


def _crl_urls(cert: x509.Certificate) -> list[str]:
    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return []
    return [name.value for point in points for name in (point.full_name or ())
            if isinstance(name, x509.UniformResourceIdentifier) and name.value.startswith(("http://", "https://"))]

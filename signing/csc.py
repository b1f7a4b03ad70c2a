"""Remote signing through a Cloud Signature Consortium service (CSC API v1.0.4.0: credentials/info,
credentials/authorize, signatures/signHash) with pyHanko's ``CSCSigner``.

``CscSealer`` asks the service for the credential's certificate chain once, at construction. Every seal opens its
own aiohttp session in its own event loop (aiohttp sessions are bound to one loop), authorises one signature
(``credentials/authorize`` with the PIN, SCAL 1 or 2) and has the service sign the hash. The PIN comes from the
caller (environment or file), never from configuration text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import aiohttp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.signers.csc_signer import (
    CSCAuthorizationInfo,
    CSCAuthorizationManager,
    CSCCredentialInfo,
    CSCServiceSessionInfo,
    CSCSigner,
    fetch_certs_in_csc_credential,
)
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .pades import DEFAULT_BYTES_RESERVED, PadesSealer, refuse_inside_event_loop
from .request import PadesLevel, RevocationSource, SealingError, SealRequest, SealResult


class PinAuthorizationManager(CSCAuthorizationManager):
    """Authorises each signature with ``credentials/authorize`` and the user's PIN (explicit authorisation)."""

    def __init__(
        self, session: aiohttp.ClientSession, info: CSCServiceSessionInfo, cred: CSCCredentialInfo, pin: str
    ) -> None:
        super().__init__(info, cred)
        self._session = session
        self._pin = pin

    async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
        pinned = hash_b64s if self.credential_info.hash_pinning_required else None
        body = self.format_csc_auth_request(pin=self._pin, hash_b64s=pinned, num_signatures=len(hash_b64s))
        url = self.csc_session_info.endpoint_url("credentials/authorize")
        async with self._session.post(url, json=body, headers=self.auth_headers, raise_for_status=True) as resp:
            return self.parse_csc_auth_response(await resp.json())


@dataclass(frozen=True)
class _Certificates:
    """What the level policy needs to know of a signer: its certificate and chain."""

    signing_cert: object
    cert_registry: SimpleCertificateStore


class CscSealer(PadesSealer):
    """Seals through a remote CSC signing service. Thread-safe: nothing but the certificates is shared."""

    def __init__(
        self,
        service_url: str,
        credential_id: str,
        pin: str,
        timestamper: TimeStamper | None,
        *,
        oauth_token: str | None = None,
        timeout: int = 30,
        bytes_reserved: int = DEFAULT_BYTES_RESERVED,
        level: PadesLevel = "B-T",
        revocation: RevocationSource | None = None,
    ) -> None:
        self._info = CSCServiceSessionInfo(service_url.rstrip("/"), credential_id, oauth_token=oauth_token)
        self._pin = pin
        self._timeout = timeout
        try:
            self._credential = asyncio.run(self._fetch_credential())
        except Exception as exc:
            raise SealingError(f"cannot reach CSC service {service_url}: {exc!r}") from exc
        holder = _Certificates(self._credential.signing_cert, self._credential.as_cert_store())  # type: ignore[arg-type]
        super().__init__(
            holder,  # type: ignore[arg-type]  # the real signer is made per seal
            timestamper,
            bytes_reserved=bytes_reserved,
            level=level,
            revocation=revocation,
        )

    async def _fetch_credential(self) -> CSCCredentialInfo:
        async with aiohttp.ClientSession() as session:
            return await fetch_certs_in_csc_credential(session, self._info, timeout=self._timeout)

    def seal_with_level(self, pdf: bytes, request: SealRequest) -> SealResult:
        refuse_inside_event_loop()
        return self._seal_with_signer(pdf, request, None)  # type: ignore[arg-type]  # see _run

    def _run(
        self,
        make_pdf_signer: Callable[[signers.Signer], signers.PdfSigner],
        signer: signers.Signer,
        writer: IncrementalPdfFileWriter,
    ) -> BytesIO:
        async def run() -> BytesIO:
            async with aiohttp.ClientSession() as session:
                auth = PinAuthorizationManager(session, self._info, self._credential, self._pin)
                pdf_signer = make_pdf_signer(CSCSigner(session, auth, sign_timeout=self._timeout))
                return await pdf_signer.async_sign_pdf(writer, bytes_reserved=self.bytes_reserved)  # type: ignore[return-value]

        return asyncio.run(run())


__all__ = ["CscSealer", "PinAuthorizationManager"]

"""Sealing PDF bytes with a PAdES electronic seal (ETSI EN 319 142-1) — knows nothing of rulings.

One narrow interface, ``Sealer.seal(pdf, SealRequest) -> bytes`` (and ``seal_with_level`` → ``SealResult`` with
the PAdES level reached, and ``certificate``, the seal's own certificate), implemented once by ``PadesSealer``
(``signing.pades``) with one backend per module — a PKCS#12 key file (``Pkcs12Sealer``) or a PKCS#11 token
(``Pkcs11Sealer``) or a Cloud Signature Consortium remote service (``CscSealer``) — and timestamp sources (the built-in development TSA or a remote RFC 3161 TSA) chosen by
configuration. Levels B-B, B-T, B-LT, B-LTA: ``level=`` on the sealer (B-LT/B-LTA need ``revocation=``:
``keys.RevocationAuthority`` in development, ``FetchingRevocationSource`` for a CA's published OCSP/CRLs).

Backend configuration string for ``sealer_from_config(config, timestamper, level=..., revocation=...)``::

    pkcs11:module=/usr/lib/softhsm/libsofthsm2.so;token=jiudi;key-label=seal;pin-env=JIUDI_PKCS11_PIN
    pkcs11:module=…;token=…;key-label=…;cert-label=…;pin-file=/run/secrets/pin
    csc:url=https://sign.example/api;credential=court-seal-1;pin-env=JIUDI_CSC_PIN
    pkcs12:path=/data/keys/courts/court-…/seal.p12;pass-file=/data/keys/courts/court-…/seal.pass

The PIN or passphrase comes from ``pin-env``/``pass-env`` (an environment variable's name) or ``pin-file``/
``pass-file``; a literal ``pin=`` is refused. The certificate is read from the token (``cert-label``, default the
key label) with every other certificate on the token as its chain.
"""

from .config import parse_config, sealer_from_config
from .csc import CscSealer
from .pades import DEFAULT_BYTES_RESERVED, PadesSealer
from .pkcs11 import Pkcs11Sealer
from .pkcs12 import Pkcs12Sealer
from .request import PADES_LEVELS, PadesLevel, RevocationSource, Sealer, SealingError, SealRequest, SealResult
from .revocation_cache import CachingRevocationSource
from .revocation_fetch import FetchingRevocationSource
from .timestamps import DevTimestampAuthority, timestamper_from_url

__all__ = [
    "DEFAULT_BYTES_RESERVED",
    "CachingRevocationSource",
    "CscSealer",
    "DevTimestampAuthority",
    "FetchingRevocationSource",
    "PADES_LEVELS",
    "PadesLevel",
    "RevocationSource",
    "SealResult",
    "PadesSealer",
    "Pkcs11Sealer",
    "Pkcs12Sealer",
    "SealRequest",
    "Sealer",
    "SealingError",
    "parse_config",
    "sealer_from_config",
    "timestamper_from_url",
]

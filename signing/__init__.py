"""Sealing PDF bytes with a PAdES electronic seal (ETSI EN 319 142-1) — knows nothing of rulings.

One narrow interface, ``Sealer.seal(pdf, SealRequest) -> bytes``, with pluggable backends (a PKCS#12 key file
today; PKCS#11 and remote signing later) and timestamp sources (the built-in development TSA or a remote RFC 3161
TSA) chosen by configuration.
"""

from .pkcs12 import DEFAULT_BYTES_RESERVED, Pkcs12Sealer
from .request import Sealer, SealingError, SealRequest
from .timestamps import DevTimestampAuthority, timestamper_from_url

__all__ = [
    "DEFAULT_BYTES_RESERVED",
    "DevTimestampAuthority",
    "Pkcs12Sealer",
    "SealRequest",
    "Sealer",
    "SealingError",
    "timestamper_from_url",
]

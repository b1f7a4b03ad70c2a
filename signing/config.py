"""Choosing a sealer backend from one configuration string (``JIUDI_SEALER``-style), RFC 7512-like syntax.

Syntax: ``<scheme>:<key>=<value>;<key>=<value>…`` — values may not contain ``;``.

* ``pkcs11:module=/usr/lib/softhsm/libsofthsm2.so;token=jiudi;key-label=seal;pin-env=JIUDI_PKCS11_PIN``
  keys: ``module`` (PKCS#11 library path), ``token`` (token label), ``key-label``, optional ``cert-label``
  (default: the key label), and exactly one of ``pin-env`` (name of an environment variable holding the user
  PIN) or ``pin-file`` (path of a file holding it). A ``pin=`` key is refused: the PIN never sits in the config.
* ``csc:url=https://sign.example/api;credential=court-seal-1;pin-env=JIUDI_CSC_PIN`` — a Cloud Signature
  Consortium API v1 service (``url`` is the part before ``/csc/v1/…``); optional ``token-env`` names a variable
  holding an OAuth bearer token.
* ``pkcs12:path=/data/keys/courts/…/seal.p12;pass-file=/data/keys/courts/…/seal.pass`` (or ``pass-env=``).
"""

from __future__ import annotations

import os
from pathlib import Path

from pyhanko.sign.timestamps import TimeStamper

from .csc import CscSealer
from .pades import PadesSealer
from .pkcs11 import Pkcs11Sealer
from .pkcs12 import Pkcs12Sealer
from .request import PadesLevel, RevocationSource


def parse_config(config: str) -> tuple[str, dict[str, str]]:
    """Split ``scheme:k=v;k=v`` into the scheme and its parameters; raises ``ValueError`` on bad syntax."""
    scheme, sep, rest = config.partition(":")
    if not sep or scheme not in ("pkcs11", "pkcs12", "csc"):
        raise ValueError("sealer config must start with 'pkcs11:', 'csc:' or 'pkcs12:'")
    params: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in rest.split(";"))):
        key, eq, value = part.partition("=")
        if not eq or not key or key in params:
            raise ValueError(f"bad or repeated sealer config item {part!r}")
        params[key] = value
    if "pin" in params or "pass" in params:
        raise ValueError("secrets may not be written in the sealer config: use pin-env/pin-file")
    return scheme, params


def sealer_from_config(
    config: str,
    timestamper: TimeStamper | None,
    *,
    level: PadesLevel = "B-T",
    revocation: RevocationSource | None = None,
) -> PadesSealer:
    """The sealer a configuration string describes (syntax in this module's docstring)."""
    scheme, params = parse_config(config)
    if scheme == "pkcs11":
        _require(params, "module", "token", "key-label")
        return Pkcs11Sealer(
            params["module"],
            params["token"],
            params["key-label"],
            _secret(params, "pin"),
            timestamper,
            cert_label=params.get("cert-label"),
            level=level,
            revocation=revocation,
        )
    if scheme == "csc":
        _require(params, "url", "credential")
        token_env = params.get("token-env")
        return CscSealer(
            params["url"],
            params["credential"],
            _secret(params, "pin"),
            timestamper,
            oauth_token=os.environ.get(token_env) if token_env else None,
            level=level,
            revocation=revocation,
        )
    _require(params, "path")
    if timestamper is None:
        raise ValueError("the PKCS#12 sealer needs a timestamper")
    return Pkcs12Sealer(params["path"], _secret(params, "pass"), timestamper, level=level, revocation=revocation)


def _require(params: dict[str, str], *keys: str) -> None:
    missing = [k for k in keys if not params.get(k)]
    if missing:
        raise ValueError(f"sealer config lacks {', '.join(missing)}")


def _secret(params: dict[str, str], name: str) -> str:
    env, file = params.get(f"{name}-env"), params.get(f"{name}-file")
    if (env is None) == (file is None):
        raise ValueError(f"give exactly one of {name}-env and {name}-file")
    if env is not None:
        value = os.environ.get(env)
        if value is None:
            raise ValueError(f"environment variable {env} is not set")
        return value
    return Path(file).read_text("utf-8").strip()  # type: ignore[arg-type]

"""Certificates between the two X.509 libraries the sealers use (RFC 5280 certificates, DER-encoded).

pyHanko and its certificate validator work with ``asn1crypto`` certificates; keys, configuration and callers
work with ``cryptography`` certificates. These two functions convert one into the other through DER.
"""

from __future__ import annotations

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization


def to_asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    """The asn1crypto form of a ``cryptography`` certificate (what pyHanko works with)."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def to_x509_cert(cert: asn1_x509.Certificate) -> x509.Certificate:
    """The ``cryptography`` form of an asn1crypto certificate (what callers of the sealers work with)."""
    return x509.load_der_x509_certificate(cert.dump())


__all__ = ["to_asn1_cert", "to_x509_cert"]

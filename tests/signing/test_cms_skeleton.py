"""The seal's SignedData with its fixed parts encoded once (signing.pkcs12.SealSigner) is the SignedData pyHanko
builds from the same signed attributes, signature and timestamp."""

from __future__ import annotations

from io import BytesIO

from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import Pkcs12Sealer
from signing.pkcs12 import ParsedKeySigner, SealSigner


def _parts(sealed_pdf: bytes) -> tuple[cms.CMSAttributes, bytes, cms.CMSAttributes]:
    signed_data = PdfFileReader(BytesIO(sealed_pdf)).embedded_signatures[0].signed_data
    signer_info = signed_data["signer_infos"][0]
    signed = cms.CMSAttributes.load(signer_info["signed_attrs"].untag().dump())
    unsigned = cms.CMSAttributes.load(signer_info["unsigned_attrs"].untag().dump())
    return signed, signer_info["signature"].native, unsigned


def _package(signer: SealSigner, packaging: type, signed: cms.CMSAttributes, signature: bytes,
             unsigned: cms.CMSAttributes | None) -> cms.ContentInfo:
    return packaging._package_signature(  # type: ignore[attr-defined, no-any-return]
        signer, digest_algorithm="sha256", cms_version="v1", signed_attrs=signed, signature=signature,
        unsigned_attrs=unsigned, encap_content_info=None)


def test_the_kept_skeleton_holds_what_pyhanko_would_write(sealer: Pkcs12Sealer, sealed_pdf: bytes) -> None:
    signer = sealer.signer
    assert isinstance(signer, SealSigner)
    signed, signature, unsigned = _parts(sealed_pdf)
    for unsigned_attrs in (unsigned, None):
        kept = _package(signer, SealSigner, signed, signature, unsigned_attrs)
        pyhanko = _package(signer, ParsedKeySigner, signed, signature, unsigned_attrs)
        ours, theirs = kept["content"], pyhanko["content"]
        assert kept["content_type"].native == "signed_data"
        for field in ("version", "digest_algorithms", "encap_content_info", "signer_infos"):
            assert ours[field].dump() == theirs[field].dump(), field
        # the same certificates; pyHanko's come from a Python set (any order), ours in DER's order for a SET OF
        assert sorted(c.dump() for c in ours["certificates"]) == sorted(c.dump() for c in theirs["certificates"])
        assert [c.dump() for c in ours["certificates"]] == sorted(c.dump() for c in ours["certificates"])
        assert cms.ContentInfo.load(kept.dump()).native["content"]["signer_infos"][0]["signature"] == signature

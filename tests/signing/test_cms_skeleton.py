"""The seal's SignedData with its fixed parts encoded once (signing.pkcs12.SealSigner) is the SignedData pyHanko
builds from the same signed attributes, signature and timestamp."""

from __future__ import annotations

from io import BytesIO

import pytest
from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import Pkcs12Sealer, SealRequest
from signing.pkcs12 import ParsedKeySigner, SealSigner
from tests.pki_fixtures import make_pdf


def _parts(sealed_pdf: bytes) -> tuple[cms.CMSAttributes, bytes, cms.CMSAttributes]:
    signed_data = PdfFileReader(BytesIO(sealed_pdf)).embedded_signatures[0].signed_data
    signer_info = signed_data["signer_infos"][0]
    signed = cms.CMSAttributes.load(signer_info["signed_attrs"].untag().dump())
    unsigned = cms.CMSAttributes.load(signer_info["unsigned_attrs"].untag().dump())
    return signed, signer_info["signature"].native, unsigned


def _package(signer: SealSigner, packaging: type, signed: cms.CMSAttributes, signature: bytes,
             unsigned: cms.CMSAttributes | None, encap: dict[str, str] | None) -> cms.ContentInfo:
    return packaging._package_signature(  # type: ignore[attr-defined, no-any-return]
        signer, digest_algorithm="sha256", cms_version="v1", signed_attrs=signed, signature=signature,
        unsigned_attrs=unsigned, encap_content_info=encap)


def test_the_kept_skeleton_holds_what_pyhanko_would_write(sealer: Pkcs12Sealer, sealed_pdf: bytes) -> None:
    signer = sealer.signer
    assert isinstance(signer, SealSigner)
    signed, signature, unsigned = _parts(sealed_pdf)
    # pyHanko passes {'content_type': 'data'} for a PDF signature (pdf_cms._ensure_content_type)
    for unsigned_attrs, encap in ((unsigned, {"content_type": "data"}), (None, None)):
        kept = _package(signer, SealSigner, signed, signature, unsigned_attrs, encap)
        pyhanko = _package(signer, ParsedKeySigner, signed, signature, unsigned_attrs, encap)
        ours, theirs = kept["content"], pyhanko["content"]
        assert kept["content_type"].native == "signed_data"
        for field in ("version", "digest_algorithms", "encap_content_info", "signer_infos"):
            assert ours[field].dump() == theirs[field].dump(), field
        # the same certificates; pyHanko's come from a Python set (any order), ours in DER's order for a SET OF
        assert sorted(c.dump() for c in ours["certificates"]) == sorted(c.dump() for c in theirs["certificates"])
        assert [c.dump() for c in ours["certificates"]] == sorted(c.dump() for c in ours["certificates"])
        assert cms.ContentInfo.load(kept.dump()).native["content"]["signer_infos"][0]["signature"] == signature


def test_a_seal_is_packaged_from_the_kept_skeleton(sealer: Pkcs12Sealer, seal_request: SealRequest,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The skeleton is what seals use (pyHanko's own packaging is the fallback for anything unusual)."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pyHanko packaged the seal's SignedData itself")

    monkeypatch.setattr(ParsedKeySigner, "_package_signature", refuse)
    assert sealer.seal(make_pdf(), seal_request)

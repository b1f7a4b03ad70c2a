"""The development RFC 3161 timestamp authority: in-process for sealing, DER in/DER out for the HTTP endpoint."""

from __future__ import annotations

import asyncio
import hashlib
import http.server
import threading
from collections.abc import Callable, Iterator
from io import BytesIO

import pytest
from asn1crypto import tsp
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import handle_tsp_response
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import ValidationContext

from keys import CourtSeal, DevPki
from signing import DevTimestampAuthority, Pkcs12Sealer, SealingError, SealRequest, timestamper_from_url
from signing.certs import to_asn1_cert
from signing.timestamps import DEV_TSA_POLICY_OID, TimeStampResp

DIGEST = hashlib.sha256(b"a ruling").digest()


def _request(
    *, cert_req: bool = True, algorithm: str = "sha256", digest: bytes = DIGEST
) -> tuple[int, tsp.TimeStampReq]:
    # the same request pyHanko's HTTPTimeStamper sends (nonce, certReq true)
    nonce, req = TimeStamper().request_cms(digest, algorithm)
    if not cert_req:
        req["cert_req"] = False
    return nonce, req


def _status(response: tsp.TimeStampResp) -> tuple[str, set[str]]:
    status = response["status"]
    return status["status"].native, set(status["fail_info"].native or ())


def test_respond_grants_a_valid_token_for_a_pyhanko_request(pki: DevPki, tsa: DevTimestampAuthority) -> None:
    nonce, req = _request()
    response = tsp.TimeStampResp.load(tsa.respond(req.dump()))
    token = handle_tsp_response(response, nonce)  # type: ignore[arg-type]  # nonce is an int; checks status+nonce
    tst_info = token["content"]["encap_content_info"]["content"].parsed
    assert tst_info["message_imprint"]["hashed_message"].native == DIGEST
    assert tst_info["policy"].native == DEV_TSA_POLICY_OID
    context = ValidationContext(trust_roots=[to_asn1_cert(pki.root_cert)], allow_fetching=False)
    result = asyncio.run(validate_tst_signed_data(token["content"], context, lambda _algo: DIGEST))
    assert result["intact"] and result["valid"]
    assert result["validation_path"] is not None  # chains to the dev root with the timeStamping EKU
    assert {c.chosen.subject.native["common_name"] for c in token["content"]["certificates"]} == {
        "Jiudi DEV Timestamp Authority",
        "Jiudi DEV Root CA",
    }


def test_respond_leaves_out_certificates_when_not_requested(tsa: DevTimestampAuthority) -> None:
    nonce, req = _request(cert_req=False)
    token = handle_tsp_response(tsp.TimeStampResp.load(tsa.respond(req.dump())), nonce)  # type: ignore[arg-type]
    assert token["content"]["certificates"].native is None
    assert token["content"]["signer_infos"][0]["signature"].native


@pytest.mark.parametrize(
    "body,fail_info",
    [
        (b"", "bad_data_format"),
        (b"\x30\x03\x02\x01\x01", "bad_data_format"),
        (b"GET / HTTP/1.1\r\n\r\n", "bad_data_format"),
        (_request()[1].dump() + b"trailing", "bad_data_format"),
        (_request(algorithm="sha1", digest=hashlib.sha1(b"x").digest())[1].dump(), "bad_alg"),
        (_request(digest=b"too short")[1].dump(), "bad_data_format"),
    ],
)
def test_respond_rejects_bad_requests_without_raising(
    tsa: DevTimestampAuthority, body: bytes, fail_info: str
) -> None:
    response = TimeStampResp.load(tsa.respond(body))
    assert _status(response) == ("rejection", {fail_info})
    assert response["time_stamp_token"].native is None


def test_respond_rejects_a_foreign_policy(tsa: DevTimestampAuthority) -> None:
    _, req = _request()
    req["req_policy"] = "1.2.3.4"
    assert _status(TimeStampResp.load(tsa.respond(req.dump()))) == ("rejection", {"unaccepted_policy"})


class _TsaHandler(http.server.BaseHTTPRequestHandler):
    tsa: DevTimestampAuthority

    def do_POST(self) -> None:
        assert self.headers["Content-Type"] == "application/timestamp-query"
        body = self.rfile.read(int(self.headers["Content-Length"]))
        reply = self.tsa.respond(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tsa_url(tsa: DevTimestampAuthority) -> Iterator[str]:
    handler = type("Handler", (_TsaHandler,), {"tsa": tsa})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/dev/tsa"
    finally:
        server.shutdown()
        server.server_close()


def test_sealing_with_a_remote_tsa_over_http(
    pki: DevPki,
    court_seal: CourtSeal,
    tsa_url: str,
    seal_request: SealRequest,
    pdf_factory: Callable[..., bytes],
) -> None:
    sealer = Pkcs12Sealer(court_seal.p12_path, court_seal.passphrase, timestamper_from_url(tsa_url))
    sealed = sealer.seal(pdf_factory(), seal_request)
    signature = PdfFileReader(BytesIO(sealed)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[to_asn1_cert(pki.root_cert)], allow_fetching=False)
    status = validate_pdf_signature(signature, context)
    assert status.bottom_line and status.timestamp_validity is not None


def test_timestamper_url_must_be_http() -> None:
    with pytest.raises(ValueError):
        timestamper_from_url("ftp://tsa.example/")


def test_an_unreachable_tsa_is_a_sealing_error(
    court_seal: CourtSeal, seal_request: SealRequest, pdf_factory: Callable[..., bytes]
) -> None:
    sealer = Pkcs12Sealer(
        court_seal.p12_path, court_seal.passphrase, timestamper_from_url("http://127.0.0.1:9/")
    )
    with pytest.raises(SealingError):
        sealer.seal(pdf_factory(), seal_request)

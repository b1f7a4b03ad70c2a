"""A small CSC API v1 signing service for the tests: credentials/info, credentials/authorize, signatures/signHash
over real HTTP on 127.0.0.1, signing with a key of the test PKI (RSA PKCS#1 v1.5 over the given hash)."""

from __future__ import annotations

import base64
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

SHA256_WITH_RSA = "1.2.840.113549.1.1.11"
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
SHA256 = "2.16.840.1.101.3.4.2.1"


class CscTestService:
    """Serves one credential; ``pin`` must be given to ``credentials/authorize``; SADs are single-use."""

    def __init__(self, credential_id: str, pin: str, key: rsa.RSAPrivateKey, chain: list[x509.Certificate]) -> None:
        self.credential_id, self.pin, self.key, self.chain = credential_id, pin, key, chain
        self.sads: set[str] = set()
        self.signed = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> CscTestService:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def handle(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if body.get("credentialID") != self.credential_id:
            return 400, {"error": "invalid_request", "error_description": "unknown credential"}
        if path == "/csc/v1/credentials/info":
            certs = [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in self.chain]
            return 200, {
                "key": {"status": "enabled", "algo": [SHA256_WITH_RSA, RSA_ENCRYPTION], "len": self.key.key_size},
                "cert": {"status": "valid", "certificates": certs},
                "authMode": "explicit",
                "SCAL": "1",
                "multisign": 1,
            }
        if path == "/csc/v1/credentials/authorize":
            if body.get("PIN") != self.pin:
                return 400, {"error": "invalid_pin"}
            sad = secrets.token_urlsafe(16)
            self.sads.add(sad)
            return 200, {"SAD": sad, "expiresIn": 300}
        if path == "/csc/v1/signatures/signHash":
            if body.get("SAD") not in self.sads:
                return 400, {"error": "invalid_request", "error_description": "bad SAD"}
            self.sads.discard(body["SAD"])
            if body.get("hashAlgo", SHA256) != SHA256 or body.get("signAlgo") not in (SHA256_WITH_RSA, RSA_ENCRYPTION):
                return 400, {"error": "invalid_request", "error_description": "unsupported algorithm"}
            sigs = [
                base64.b64encode(self.key.sign(base64.b64decode(h), PKCS1v15(), Prehashed(hashes.SHA256()))).decode()
                for h in body["hash"]
            ]
            self.signed += len(sigs)
            return 200, {"signatures": sigs}
        return 404, {"error": "not_found"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (http.server's naming)
                length = int(self.headers.get("Content-Length", 0))
                status, reply = service.handle(self.path, json.loads(self.rfile.read(length) or b"{}"))
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: object) -> None:
                pass

        return Handler

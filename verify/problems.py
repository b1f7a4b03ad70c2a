"""Why a file is not a genuine sealed ruling: stable problem codes with Chinese messages for the person checking.

The codes are part of the public API (``POST /api/v1/verify``, ``jiudi verify --json``); never rename one.
``confirm/`` adds registry codes of its own (``verify.unregistered``, ``verify.revoked`` for a revoked ruling or a
service document of one, ``verify.voided`` for a voucher or receipt whose service the court voided), so
the certificate's revocation is ``verify.cert_revoked`` here.
"""

from __future__ import annotations

from dataclasses import dataclass

# code → message shown to the person who checks the file
PROBLEM_MESSAGES: dict[str, str] = {
    # not a readable PDF: garbage, truncated, broken cross-reference data (the CLI exits 2)
    "verify.not_pdf": "文件不是有效的PDF文件",
    # a readable PDF without any author signature (document timestamps alone do not count)
    "verify.unsigned": "文件没有电子签章",
    # more than one author signature; a ruling carries exactly one court seal
    "verify.multiple_signatures": "文件含有多个电子签章，裁定书只应有一个",
    # the signature cannot be checked: malformed CMS, unknown SubFilter, or the signature value is wrong
    "verify.signature_invalid": "电子签章数据无效，无法验证",
    # the signed bytes were changed, or a later revision changed more than long-term-validation data
    "verify.modified": "文件在签章后被修改",
    # bytes after the end of the last revision, or a byte range that leaves part of its own revision out
    "verify.not_whole_file": "签章未覆盖整个文件，签章后有追加内容",
    # the signer's certificate does not chain to any of the given trust roots
    "verify.untrusted": "签章证书不受信任",
    # the signer's certificate was expired or not yet valid, and no timestamp proves an earlier signing time
    "verify.cert_expired": "签章证书已过期或尚未生效",
    # the signer's certificate (or its chain) does not allow signing: key usage nonRepudiation missing, …
    "verify.cert_usage": "签章证书不允许用于电子签章",
    # the signer's certificate is revoked (by revocation data available offline)
    "verify.cert_revoked": "签章证书已被吊销",
    # the signature timestamp or a document timestamp is broken or from an untrusted TSA
    "verify.timestamp_invalid": "时间戳无效",
    # more revisions (incremental updates) than a sealed ruling ever has, or a check that ran out of its time or
    # memory: refused before the expensive analysis (the API answers 422; the CLI exits 2)
    "verify.too_complex": "文件结构过于复杂（增量修订过多或无法在限定时间内完成核验），无法核验；本院出具的文书不会如此",
}


@dataclass(frozen=True)
class Problem:
    """One reason the file is not genuine: a stable ``code`` and a Chinese ``message``."""

    code: str
    message: str

    @classmethod
    def of(cls, code: str) -> Problem:
        """The problem with this code, with its message from ``PROBLEM_MESSAGES``."""
        return cls(code=code, message=PROBLEM_MESSAGES[code])

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


# ETSI EN 319 102-1 / TS 119 102-1 status for each problem: (main indication, sub-indication). The first problem
# of a report decides; FAILED ranks before INDETERMINATE.
ETSI_STATUS: dict[str, tuple[str, str]] = {
    "verify.not_pdf": ("FAILED", "FORMAT_FAILURE"),
    "verify.unsigned": ("INDETERMINATE", "SIGNED_DATA_NOT_FOUND"),
    "verify.multiple_signatures": ("INDETERMINATE", "SIG_CONSTRAINTS_FAILURE"),
    "verify.signature_invalid": ("FAILED", "SIG_CRYPTO_FAILURE"),
    "verify.modified": ("FAILED", "HASH_FAILURE"),
    "verify.not_whole_file": ("FAILED", "FORMAT_FAILURE"),
    "verify.untrusted": ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND"),
    "verify.cert_revoked": ("FAILED", "REVOKED"),
    "verify.cert_expired": ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE"),
    "verify.cert_usage": ("INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE"),
    "verify.timestamp_invalid": ("INDETERMINATE", "NO_POE"),
    # the validator would not process the file within its limits (EN 319 102-1 lists FORMAT_FAILURE under
    # INDETERMINATE too: the structure keeps the cryptographic check from being carried out)
    "verify.too_complex": ("INDETERMINATE", "FORMAT_FAILURE"),
}
PASSED_REASON = "签章有效，文件自签章后未被修改"


def etsi_status(codes: list[str]) -> tuple[str, str | None, str]:
    """(indication, sub_indication, Chinese reason) for a report with these problem codes, in order."""
    if not codes:
        return "PASSED", None, PASSED_REASON
    ranked = sorted(codes, key=lambda c: ETSI_STATUS[c][0] != "FAILED")  # stable: FAILED first, else in order
    indication, sub_indication = ETSI_STATUS[ranked[0]]
    return indication, sub_indication, PROBLEM_MESSAGES[ranked[0]]

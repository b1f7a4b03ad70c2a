"""Write docs/conformance.md: Jiudi's verdict on each conformance case next to what pdfsig and pyHanko say.

Run from the repository root: ``.venv/bin/python bench/conformance_table.py`` (needs poppler's ``pdfsig`` and NSS's
``certutil`` and ``vfychain``, Debian packages poppler-utils and libnss3-tools).
The cases are those of ``tests/conformance/cases.py``; every figure comes from this run.

Like with like: each tool trusts exactly the root Jiudi is given for the case (pdfsig through an NSS database made
here with ``certutil``), nothing goes to the network (``pdfsig -no-ocsp``, no fetchers), and pyHanko gets the
document's DSS as Jiudi does, with hard-fail revocation checking where there is one. poppler 22.12 prints a generic
certificate message whether or not NSS accepted the certificate, so next to it the table gives NSS's own verdict
(``vfychain``) on that signer certificate with the same database. The prose above the table is written here too.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp  # noqa: E402
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402

from signing.certs import to_asn1_cert  # noqa: E402
from tests.conformance.cases import CASES, Case, World  # noqa: E402
from verify import check_sealed_pdf  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "conformance.md"
NSS_USAGE_EMAIL_SIGNER = "4"  # vfychain -u: the usage pdfsig asks NSS to verify a signer certificate for


def _tool(name: str, package: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        raise SystemExit(f"{name} is missing: apt-get install {package}")
    return exe


class NssTrust:
    """One NSS database per trust root, holding only that root (``certutil -A -t CT,C,C``), for ``pdfsig -nssdir``."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.certutil = _tool("certutil", "libnss3-tools")
        self._dirs: dict[bytes, Path] = {}

    def database(self, root: x509.Certificate) -> Path:
        key = root.fingerprint(hashes.SHA256())
        if key not in self._dirs:
            directory = self.workdir / f"nss-{key.hex()[:12]}"
            directory.mkdir()
            pem = directory / "root.pem"
            pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
            db = f"sql:{directory}"
            subprocess.run([self.certutil, "-N", "-d", db, "--empty-password"], check=True, capture_output=True)
            subprocess.run(
                [self.certutil, "-A", "-d", db, "-n", "trust root", "-t", "CT,C,C", "-i", str(pem)],
                check=True, capture_output=True,
            )
            self._dirs[key] = directory
        return self._dirs[key]


GENERIC_CERT_ISSUE = "Unknown issue with Certificate or corrupted data."
TIMESTAMP_FIELD = re.compile(r"Timestamp-[0-9a-f-]{36}")  # pyHanko's name for a document timestamp's field


def field_label(name: str) -> str:
    return "DocTimeStamp" if TIMESTAMP_FIELD.fullmatch(name) else name


def pdfsig_cell(path: Path, nssdir: Path, signer_certs: dict[str, bytes]) -> str:
    """pdfsig's own words per signature (coverage, signature, certificate); where it gives its generic certificate
    message, NSS's own verdict on that signer certificate with the same database in brackets."""
    exe = _tool("pdfsig", "poppler-utils")
    proc = subprocess.run(
        [exe, "-nssdir", f"sql:{nssdir}", "-no-ocsp", str(path)], capture_output=True, text=True, timeout=30, check=False
    )
    head: list[str] = []  # messages before the first signature: parse errors, unsupported signature types
    groups: list[tuple[str, list[str]]] = []
    for raw in (proc.stderr + proc.stdout).splitlines():
        line = raw.strip()
        if line.startswith("- Signature Field Name:"):
            groups.append((line.removeprefix("- Signature Field Name:").strip(), []))
        elif groups and line.startswith(("- Total document", "- Not total", "- Signature Validation:")):
            groups[-1][1].append(line.removeprefix("- ").removeprefix("Signature Validation: "))
        elif groups and line.startswith("- Certificate Validation:"):
            verdict = line.removeprefix("- Certificate Validation: ")
            der = signer_certs.get(groups[-1][0])
            if verdict == GENERIC_CERT_ISSUE and der is not None:
                verdict += f" [NSS: {nss_verdict(der, nssdir, path.parent)}]"
            groups[-1][1].append("Certificate: " + verdict)
        elif "does not contain any signatures" in line or line.startswith(
            ("Syntax Error", "Error", "Internal Error", "Unimplemented Feature")
        ):
            head.append(line.replace(str(path.parent) + "/", ""))
    parts = ["; ".join(dict.fromkeys(head))] if head else []
    parts += [f"{field_label(name)}: {'; '.join(items)}" for name, items in groups]
    return "<br>".join(parts) or f"(exit {proc.returncode}, no output)"


def nss_verdict(cert_der: bytes, nssdir: Path, workdir: Path) -> str:
    """NSS's verdict (``vfychain -pp``: libpkix, the call pdfsig makes, email-signer usage, no revocation fetching)."""
    der = workdir / "signer.der"
    der.write_bytes(cert_der)
    proc = subprocess.run(
        [_tool("vfychain", "libnss3-tools"), "-d", f"sql:{nssdir}", "-pp", "-u", NSS_USAGE_EMAIL_SIGNER, str(der)],
        capture_output=True, text=True, timeout=30, check=False,
    )
    out = " ".join((proc.stdout + proc.stderr).split())
    if "Chain is good!" in out:
        return "chain good"
    error = re.search(r"ERROR -?\d+: ([^.]*)", out)
    return error.group(1) if error else out


def pyhanko_context(reader: PdfFileReader, roots: list[x509.Certificate]) -> tuple[ValidationContext, str]:
    """Jiudi's trust and no fetching; the document's DSS with hard-fail revocation when it has one.

    Without a DSS and without fetching pyHanko refuses a hard-fail context (it raises: no revocation data), so such
    files are checked soft-fail — as Jiudi checks them.
    """
    kwargs = {"trust_roots": [to_asn1_cert(r) for r in roots], "allow_fetching": False}
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return ValidationContext(**kwargs, revocation_mode="soft-fail"), "no DSS, soft-fail"  # type: ignore[arg-type]
    return dss.as_validation_context({**kwargs, "revocation_mode": "hard-fail"}), "DSS, hard-fail"


def pyhanko_cell(pdf: bytes, roots: list[x509.Certificate]) -> tuple[str, dict[str, bytes]]:
    """pyHanko's bottom line and summary per signature, and each signature's signer certificate (DER) by field."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001  (reported as pyHanko's answer)
        return f"cannot read: {type(exc).__name__}", {}
    if not signatures:
        return "no signatures", {}
    summaries = []
    certs: dict[str, bytes] = {}
    mode = ""
    for sig in signatures:
        certs[sig.field_name] = sig.signer_cert.dump()
        try:
            context, mode = pyhanko_context(reader, roots)  # a fresh context per signature: it caches paths
            if sig.sig_object_type == "/DocTimeStamp":
                status = validate_pdf_timestamp(sig, context)
            else:
                status = validate_pdf_signature(sig, context)
            # a PdfSignatureStatus has pyHanko's own overall judgement; a document timestamp's status has none
            valid = getattr(status, "bottom_line", status.intact and status.valid and status.trusted)
            verdict = "valid" if valid else "not valid"
            summaries.append(f"{field_label(sig.field_name)}: **{verdict}** `{status.summary()}`")
        except Exception as exc:  # noqa: BLE001
            summaries.append(f"{field_label(sig.field_name)}: error {type(exc).__name__}")
    return f"[{mode}]<br>" + "<br>".join(summaries), certs


def roots_for(case: Case, world: World) -> list[x509.Certificate]:
    return [world.other.root_cert] if case.untrusted else [world.pki.root_cert]


def row(case: Case, world: World, workdir: Path, nss: NssTrust) -> str:
    pdf = case.build(world)
    roots = roots_for(case, world)
    report = check_sealed_pdf(pdf, roots)
    path = workdir / (case.name.replace(" ", "_").replace("/", "_").replace("%", "") + ".pdf")
    path.write_bytes(pdf)
    verdict = "genuine" if report.genuine else "NOT genuine"
    codes = ", ".join(report.problem_codes) or "—"
    sub = f"/{report.sub_indication}" if report.sub_indication else ""
    pyhanko, signer_certs = pyhanko_cell(pdf, roots)
    cells = [
        case.name.replace("%%EOF", "`%%EOF`"),
        f"**{verdict}**: {codes} ({report.indication}{sub})",
        pdfsig_cell(path, nss.database(roots[0]), signer_certs),
        pyhanko,
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    for name in ("pyhanko", "pyhanko_certvalidator"):  # their tracebacks of rejected signatures; the status says it
        logging.getLogger(name).setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        world = World.create(Path(tmp))
        nss = NssTrust(Path(tmp))
        rows = [row(case, world, Path(tmp), nss) for case in CASES]
    poppler = subprocess.run(["pdfsig", "-v"], capture_output=True, text=True, check=False).stderr.splitlines()
    text = "\n".join([
        "# Conformance: Jiudi's verifier, pdfsig and pyHanko on the same files",
        "",
        "Generated by `bench/conformance_table.py` from the cases in `tests/conformance/cases.py` (each PDF made by",
        "code from a fresh development PKI; the suite `tests/conformance` asserts Jiudi's verdicts). Every cell comes",
        "from one run of the bench. The three verifiers get the same files, the same trust and no network:",
        "",
        "- **Trust.** Each trusts exactly the root Jiudi is given for the case: the development root, or for",
        "  \"untrusted root\" the root of a second PKI. pdfsig gets it in an NSS database of its own",
        "  (`certutil -A -t CT,C,C`, then `pdfsig -nssdir`), pyHanko and Jiudi as trust roots.",
        "- **Revocation, offline.** Nothing is fetched: pdfsig runs with `-no-ocsp`, pyHanko and Jiudi without",
        "  fetchers. pyHanko's validation context is built from the document's DSS (certificates, CRLs, OCSP",
        "  responses) with hard-fail revocation checking when the file has a DSS (`[DSS, hard-fail]`). Without a DSS",
        "  pyHanko refuses a hard-fail context that has no revocation data and may not fetch, so those files are",
        "  checked soft-fail (`[no DSS, soft-fail]`), which is also how Jiudi checks them. Jiudi loads the DSS too",
        "  and checks soft-fail throughout: where the DSS holds the revocation, both see it. pdfsig cannot read a DSS.",
        "- **Answers.** pdfsig: its own words per signature. pyHanko: **valid** / **not valid** is the `bottom_line`",
        "  of `validate_pdf_signature` (for a document timestamp, shown as DocTimeStamp: intact, valid and trusted",
        "  by `validate_pdf_timestamp`), followed by its `summary()`. Jiudi: genuine or not, its problem codes, and",
        "  the ETSI indication.",
        "",
        "Reading the pdfsig column: poppler 22.12 turns NSS's last error code into the certificate message without",
        "checking whether NSS's verification succeeded, so it prints \"Unknown issue with Certificate or corrupted",
        "data.\" both for a certificate NSS accepts and for one NSS rejects. Where it does, the bracket gives NSS's",
        "own verdict on that signer certificate with the same database (`vfychain -pp -u 4`: the libpkix check with",
        "the email-signer usage that pdfsig asks for, no revocation fetching): \"chain good\" for the court seal, a",
        "key-usage error for the certificate without a signing key usage. pdfsig does not validate timestamps (the",
        "document timestamp stays \"not yet verified\"). Without a DSS reader or OCSP it accepts the revoked seal's",
        "certificate. And it reports every change after the seal in the same words, \"Not total document signed\":",
        "new content, an annotation, bytes after `%%EOF`, a rewritten Info dictionary, and also the legitimate",
        "long-term-validation updates of a genuine B-LTA file.",
        "",
        "Reading the pyHanko column: given the same trust and the DSS, pyHanko rejects the altered byte, added",
        "content, the annotation and the replaced page content (`ILLEGAL_MODIFICATIONS`, also when that revision",
        "writes a DSS as well), the revoked seal (`INTACT:REVOKED`), the expired certificate and the one without a",
        "signing key usage. It calls valid: bytes appended after the final `%%EOF` (on a B-T file `UNTOUCHED`",
        "becomes `EXTENDED_WITH_NONE`; on a B-LTA file the answer is the same as for the genuine file); a later",
        "revision that only rewrites the Info dictionary (`EXTENDED_WITH_LTA_UPDATES`: its diff policy counts an",
        "Info/XMP-only revision as an LTA update); and a second approval signature, which its policy allows as form",
        "filling. A ruling carries exactly one seal that covers the whole file, or its revision followed only by",
        "revisions that add validation data; `verify/check.py` adds these checks on top of pyHanko's validation.",
        "",
        f"Tools: {poppler[0] if poppler else 'pdfsig'}; pyHanko {version('pyHanko')}, pyhanko-certvalidator"
        f" {version('pyhanko-certvalidator')}.",
        "",
        "| Case | Jiudi verdict (code, ETSI indication) | pdfsig | pyHanko |",
        "|---|---|---|---|",
        *rows,
        "",
    ])
    OUT.write_text(text, "utf-8")
    print(text)


if __name__ == "__main__":
    main()

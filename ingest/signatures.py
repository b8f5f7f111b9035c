"""Digital signatures in PDFs (chữ ký số): detect and validate them with pyHanko.

A signed PDF is never rewritten: its original bytes are the authentic copy. This module
only reads; the report it returns is what the archive records as the signature event.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from asn1crypto import pem, x509
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from archive.errors import BrokenFile
from archive.settings import get_settings

from pyhanko import __version__ as PYHANKO_VERSION

TOOL = f"pyHanko {PYHANKO_VERSION}"


@dataclass(frozen=True)
class SignatureReport:
    field_name: str
    signer: str | None
    signing_time: str | None  # ISO 8601, as the signer reported it (or its timestamp token)
    intact: bool  # the signed bytes are unchanged (document digest matches)
    valid: bool  # the signature over the signed attributes verifies with the signer's key
    trusted: bool  # the signer's certificate chains to a configured trust root
    coverage: str  # ENTIRE_FILE, ENTIRE_REVISION, …
    problem: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def trust_roots(folder: Path | None = None) -> list[x509.Certificate]:
    """Every PEM/DER certificate in ``folder`` (default Settings.trust_roots_dir)."""
    folder = folder or get_settings().trust_roots_dir
    roots: list[x509.Certificate] = []
    if not folder:
        return roots
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() not in {".pem", ".crt", ".cer", ".der"}:
            continue
        data = path.read_bytes()
        if pem.detect(data):
            roots.extend(x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True))
        else:
            roots.append(x509.Certificate.load(data))
    return roots


def is_signed(path: Path) -> bool:
    with open(path, "rb") as handle:
        return bool(_embedded_signatures(handle, path))


def _embedded_signatures(handle, path: Path) -> list:
    try:
        return list(PdfFileReader(handle, strict=False).embedded_signatures)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise BrokenFile(f"cannot read the signatures of {path.name}: {exc}") from exc


def validate(path: Path, *, roots: list[x509.Certificate] | None = None) -> list[SignatureReport]:
    """Validate every signature of ``path`` against the configured trust roots (no network)."""
    roots = trust_roots() if roots is None else roots
    reports = []
    with open(path, "rb") as handle:
        for signature in _embedded_signatures(handle, path):
            # allow_fetching=False: an archive's verdict must not depend on what a remote
            # OCSP/CRL server says at ingest time; revocation is not checked here.
            context = ValidationContext(trust_roots=roots, allow_fetching=False)
            reports.append(_report(signature, context))
    return reports


def _report(signature, context: ValidationContext) -> SignatureReport:
    name = str(signature.field_name)  # pyHanko gives a PDF text object, not a str
    try:
        status = validate_pdf_signature(signature, context)
    except (SignatureValidationError, ValueError) as exc:
        return SignatureReport(name, None, None, False, False, False, "UNKNOWN", str(exc))
    cert = status.signing_cert
    when = status.signer_reported_dt
    if status.timestamp_validity is not None:
        when = status.timestamp_validity.timestamp
    return SignatureReport(
        field_name=name,
        signer=cert.subject.human_friendly if cert is not None else None,
        signing_time=when.isoformat() if when else None,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        coverage=status.coverage.name if status.coverage is not None else "UNKNOWN",
        problem=_problem(status),
    )


def _problem(status) -> str | None:
    """The first thing wrong, most serious first: changed bytes, bad signature, trust."""
    if not status.intact:
        return "the signed bytes changed after signing"
    if not status.valid:
        return "the cryptographic signature does not verify"
    if not status.trusted:
        return f"signer not trusted: {status.trust_problem_indic or 'no configured root'}"
    return None

"""Digital signatures: detection and validation with pyHanko, trust roots from settings."""
from __future__ import annotations

from asn1crypto import pem

from ingest import signatures


def test_unsigned_pdf_has_no_signatures(text_pdf):
    assert not signatures.is_signed(text_pdf) and signatures.validate(text_pdf, roots=[]) == []


def test_signer_is_trusted_when_its_root_is_in_the_configured_folder(tmp_path, signed_pdf, self_signed, monkeypatch):
    roots = tmp_path / "trust"
    roots.mkdir()
    (roots / "root-ca.pem").write_bytes(pem.armor("CERTIFICATE", self_signed[1].dump()))
    (roots / "README.txt").write_text("not a certificate")
    monkeypatch.setenv("LUUTRU_TRUST_ROOTS_DIR", str(roots))
    [report] = signatures.validate(signed_pdf)
    assert report.trusted and report.intact and report.valid and report.problem is None


def test_changed_byte_inside_the_signed_range_breaks_integrity(tmp_path, signed_pdf):
    tampered = tmp_path / "tampered.pdf"
    data = bytearray(signed_pdf.read_bytes())
    data[data.index(b"ReportLab")] ^= 0x01  # one letter of the producer in the signed original
    tampered.write_bytes(bytes(data))
    [report] = signatures.validate(tampered, roots=[])
    assert not report.intact and report.problem == "the signed bytes changed after signing"

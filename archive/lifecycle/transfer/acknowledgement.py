"""The signed acknowledgement (văn bản xác nhận tiếp nhận) of a transfer.

JSON with the transfer reference, the SHA-256 of the transfer.json received, each package
id with its dossier and checksum, the time and the receiving archive; signed by the
receiving archive in a detached ``<file>.sig`` (``archive.lifecycle.transfer.signing``).
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from archive.errors import AcknowledgementRejected
from archive.lifecycle.transfer import signing

KIND = "luutru-transfer-acknowledgement/1"


class AcknowledgedPackage(BaseModel):
    package_id: str                 # the SIP's OBJID, as the sender listed it
    dossier_code: str
    mets_sha256: str                # of the SIP's METS.xml, as received and verified
    archived_as: str                # OBJID of the AIP the historical archive keeps it in


class Acknowledgement(BaseModel):
    kind: str = KIND
    reference: str
    transfer_manifest_sha256: str   # of the transfer.json received
    sending_organ_id: str
    receiving_archive: str
    received_at: datetime
    packages: list[AcknowledgedPackage]


def signature_path(path: Path) -> Path:
    return path.with_name(path.name + ".sig")


def write(ack: Acknowledgement, out_dir: Path, key) -> Path:
    """``out_dir/<reference>.acknowledgement.json`` and its detached signature."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{ack.reference}.acknowledgement.json"
    data = ack.model_dump_json(indent=1).encode("utf-8")
    signature_path(path).write_bytes(signing.sign(data, key))
    path.write_bytes(data)
    return path


def read_verified(path: Path, cert_path: Path | None) -> tuple[Acknowledgement, str]:
    """The acknowledgement at ``path`` and its signer, once its signature verifies against
    the historical archive's certificate; AcknowledgementRejected otherwise."""
    try:
        data, signature = Path(path).read_bytes(), signature_path(Path(path)).read_bytes()
    except OSError as exc:
        raise AcknowledgementRejected(f"acknowledgement or its signature cannot be read: {exc}") from exc
    signer = signing.verify(data, signature, cert_path)
    try:
        ack = Acknowledgement.model_validate_json(data)
    except ValidationError as exc:
        raise AcknowledgementRejected(f"not a transfer acknowledgement: {exc.error_count()} problem(s)") from exc
    if ack.kind != KIND:
        raise AcknowledgementRejected(f"not a transfer acknowledgement (kind {ack.kind!r})")
    return ack, signer

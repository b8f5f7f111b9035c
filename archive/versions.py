"""Versions of a dossier: what a new submission of an existing dossier code amounts to.

A dossier code, once archived, is evidence. Submitting it again is an amendment, judged
here before anything of the submission is processed (and again, under a lock, before its
package is recorded):

- refused (``AmendmentRefused``) if the dossier is destroyed (its code is a tombstone for
  ever), transferred, under a legal hold, on an open destruction list, or another agency's;
- ``identical``: same metadata and same files as the current version: no new version;
- ``change``: retention (Maintenance), rights, StartDate/EndDate differ, or a document is
  removed or altered: held as a pending change until the agency head approves it;
- ``update``: documents added (and descriptive fields edited) with the rest unchanged:
  goes straight through, audited with the values before and after.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.catalog.destruction import DestructionItem, DestructionList, DestructionStage
from archive.catalog.models import DocumentRecord, DossierRecord, DossierStatus, FileRecord, PackageVersion
from archive.errors import AmendmentRefused
from schemas.models import Dossier

SENSITIVE = ("Maintenance", "Rights", "StartDate", "EndDate")   # need the agency head's approval
COMPUTED = ("DocTotal", "PageTotal", "Documents")                # follow from the documents
Kind = Literal["new", "identical", "update", "change"]


@dataclass
class Resubmission:
    kind: Kind
    version: int | None = None                           # the current version, if any
    changes: dict[str, Any] = field(default_factory=dict)  # field → {before, after}; documents

    def audit_detail(self) -> dict[str, Any]:
        return {"current_version": self.version, **self.changes}


def _refuse(record: DossierRecord, reason: str, detail: str, message_vi: str) -> AmendmentRefused:
    return AmendmentRefused(f"dossier {record.code} {detail}; a new submission of it is refused",
                            message_vi=message_vi, dossier=record.code, reason=reason)


def refuse_if_frozen(session: Session, record: DossierRecord, submitter_organ: str | None) -> None:
    """AmendmentRefused unless the dossier may receive a new version from ``submitter_organ``."""
    if record.status == DossierStatus.DESTROYED:
        raise _refuse(record, "dossier_destroyed", "was destroyed",
                      f"Hồ sơ {record.code} đã bị hủy; mã hồ sơ không được dùng lại.")
    if record.status == DossierStatus.TRANSFERRED:
        raise _refuse(record, "dossier_transferred", "was transferred to the historical archive",
                      f"Hồ sơ {record.code} đã nộp lưu vào Lưu trữ lịch sử.")
    if submitter_organ is not None and record.organ_id != submitter_organ:
        raise _refuse(record, "other_agency", f"belongs to agency {record.organ_id}",
                      f"Hồ sơ {record.code} thuộc cơ quan khác.")
    if record.legal_hold:
        raise _refuse(record, "legal_hold", "is under a legal hold",
                      f"Hồ sơ {record.code} đang bị phong tỏa.")
    listed = session.execute(select(DestructionList.id).join(DestructionItem).where(
        DestructionItem.dossier_code == record.code, DestructionList.stage.in_(DestructionStage.open()))).first()
    if listed:
        raise _refuse(record, "on_destruction_list", f"is on open destruction list {listed[0]}",
                      f"Hồ sơ {record.code} đang có trong danh mục hủy số {listed[0]}.")


def _canonical(document: dict[str, Any], sha256s: list[str]) -> str:
    """A document as compared between versions: its fields (its ordinal follows from the
    dates of all documents, so it is left out) and its original files' checksums."""
    fields = {k: v for k, v in document.items() if k not in ("DocOrdinal", "PageAmount")}
    return json.dumps({**fields, "sha256": sorted(sha256s)}, sort_keys=True, ensure_ascii=False)


def _current_documents(session: Session, record: DossierRecord) -> list[str]:
    version_id = session.execute(select(PackageVersion.id).where(
        PackageVersion.dossier_id == record.id, PackageVersion.version == record.current_version)).scalar_one()
    sums: dict[int, list[str]] = {}
    for document_id, sha256 in session.execute(select(FileRecord.document_id, FileRecord.sha256).where(
            FileRecord.package_version_id == version_id, FileRecord.role == "original")):
        sums.setdefault(document_id, []).append(sha256)
    docs = session.execute(select(DocumentRecord).where(DocumentRecord.dossier_id == record.id)).scalars()
    return [_canonical(d.fields, sums.get(d.id, [])) for d in docs]


def judge(session: Session, dossier: Dossier, original_sha256: Callable[[str], str], *,
          submitter_organ: str | None) -> Resubmission:
    """What submitting ``dossier`` (``original_sha256`` gives the checksum of an original file
    by its manifest path) means for the archive; AmendmentRefused if it may not be submitted."""
    record = session.execute(select(DossierRecord).where(DossierRecord.code == dossier.code)).scalar_one_or_none()
    if record is None:
        return Resubmission("new")
    refuse_if_frozen(session, record, submitter_organ)
    if record.current_version is None:     # an earlier submission that never got archived
        return Resubmission("new")
    before, after = record.metadata_json, dossier.model_dump(mode="json", exclude_none=True)
    changes: dict[str, Any] = {name: {"before": before.get(name), "after": after.get(name)}
                               for name in sorted(set(before) | set(after) - set(COMPUTED))
                               if name not in COMPUTED and before.get(name) != after.get(name)}
    old = _current_documents(session, record)
    new = [_canonical(doc, [original_sha256(f["path"]) for f in doc.get("files", [])])
           for doc in after.get("Documents", [])]
    removed = [json.loads(d) for d in old if d not in new]
    added = [json.loads(d) for d in new if d not in old]
    if removed:
        changes["documents_removed"] = [_label(d) for d in removed]
    if added:
        changes["documents_added"] = [_label(d) for d in added]
    if not changes:
        return Resubmission("identical", record.current_version)
    sensitive = removed or any(name in changes for name in SENSITIVE)
    return Resubmission("change" if sensitive else "update", record.current_version, changes)


def _label(document: dict[str, Any]) -> dict[str, Any]:
    """Enough of a document to recognise it in the trail and on the approval page."""
    return {k: document.get(k) for k in ("TypeName", "CodeNumber", "CodeNotation", "IssuedDate", "Subject")
            if document.get(k) is not None} | {"sha256": document["sha256"]}

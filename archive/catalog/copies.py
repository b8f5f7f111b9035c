"""The PDF/A check of each preservation copy, as the catalog's validation events record it
(ingest/steps/validate_pdfa.py writes them: "văn bản N | PDF/A-2b | profile | outcome")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.catalog.models import DossierRecord, PreservationEvent

_DETAIL = re.compile(r"văn bản (\d+)(?:\.(\d+))? \| (PDF/A-\w+) \| (.*) \| (.*)", re.S)


@dataclass(frozen=True)
class CopyCheck:
    ordinal: int
    index: int | None  # the original it was made from, when not the document's main file
    validator: str     # e.g. "veraPDF 1.28.2"
    level: str         # e.g. "PDF/A-2b"
    profile: str       # e.g. "PDF/A-2B validation profile"
    passed: bool
    outcome: str       # "hợp lệ" or the failed rules

    @property
    def label(self) -> str:
        return f"{self.ordinal}" + (f" (tệp {self.index})" if self.index else "")

    @property
    def profile_vi(self) -> str:
        """veraPDF names its profiles in English ("PDF/A-2B validation profile")."""
        return re.sub(r"^(.*) validation profile$", r"bộ quy tắc \1 của veraPDF", self.profile)


def copy_checks(session: Session, record: DossierRecord) -> list[CopyCheck]:
    """The last check of each copy (main file and attachments) in the dossier's current package version."""
    if not record.versions:
        return []
    events = session.execute(
        select(PreservationEvent).where(PreservationEvent.dossier_id == record.id,
                                        PreservationEvent.event_type == "validation",
                                        PreservationEvent.object_ref == record.versions[-1].package_id)
        .order_by(PreservationEvent.id)).scalars()
    checks: dict[tuple[int, int], CopyCheck] = {}
    for e in events:
        match = _DETAIL.fullmatch(e.detail or "")
        if match:
            ordinal, index = int(match.group(1)), int(match.group(2)) if match.group(2) else None
            checks[ordinal, index or 0] = CopyCheck(ordinal, index, " ".join(filter(None, (e.tool, e.tool_version))),
                                                    match.group(3), match.group(4), e.outcome == "success",
                                                    match.group(5))
    return [checks[key] for key in sorted(checks)]

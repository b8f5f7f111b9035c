"""What the sending agency keeps of a transferred dossier: its stub points to its transfer."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.catalog.transfer import Transfer, TransferDossier


def transfer_of(session: Session, dossier_code: str) -> tuple[Transfer, TransferDossier] | None:
    """The latest outgoing transfer that carried (or is carrying) the dossier, with its line."""
    row = session.execute(select(Transfer, TransferDossier).join(TransferDossier)
                          .where(Transfer.direction == "outgoing", TransferDossier.dossier_code == dossier_code)
                          .order_by(Transfer.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else None

"""Index: the dossier's metadata and the full text of its preservation copies (OCR text
for scans), replacing whatever an earlier version of the dossier had in the index in one change."""
from __future__ import annotations

from archive.settings import get_settings
from ingest.job import IngestJob
from search.base import open_index
from search.records import records_for_dossier


def run(job: IngestJob) -> None:
    dossier = job.dossier()
    texts = {doc.DocOrdinal: (job.workdir / "text" / f"{doc.DocOrdinal:03d}.txt").read_text(encoding="utf-8")
             for doc in dossier.Documents}
    records = records_for_dossier(dossier, texts)
    with open_index(get_settings()) as index:
        count = index.replace_dossier(dossier.code, records)
    job.save("index", {"records": count})

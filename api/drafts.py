"""Dossier drafts built on the web (/draft): documents uploaded one by one, their Appendix VI
fields read by ``ingest.draft``, corrected by the archivist, checked by the validator, and
submitted as an ordinary ZIP submission.

A draft lives in ``<data_dir>/drafts/<id>/``: ``owner.json`` (agency and archivist who opened
it), ``proposals.json`` (what was read, kept so the page can be reloaded) and ``submission/``
(``files/`` as uploaded and the archivist's ``hoso.json``: exactly what is submitted). Only
archivists of the owning agency see or change it.
"""
from __future__ import annotations

import fcntl
import json
import secrets
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from archive.errors import InvalidRequest, NotFound
from archive.settings import Settings
from ingest.draft import draft_document, draft_manifest
from ingest.draft.layout import SUPPORTED
from schemas.writer import to_json

MAX_DOCUMENTS = 200
SUBMISSION = "submission"


def _root(settings: Settings) -> Path:
    folder = settings.data_dir / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def create(settings: Settings, *, organ_id: str | None, actor: str) -> str:
    draft_id = secrets.token_hex(16)
    folder = _root(settings) / draft_id
    (folder / SUBMISSION / "files").mkdir(parents=True)
    (folder / "owner.json").write_text(json.dumps({"organ_id": organ_id, "actor": actor}), encoding="utf-8")
    (folder / "proposals.json").write_text("[]", encoding="utf-8")
    return draft_id


def folder_of(settings: Settings, draft_id: str, organ_id: str | None) -> Path:
    """The draft's folder, for its own agency only (others get the same 404 as a missing draft)."""
    folder = _root(settings) / draft_id
    owner = folder / "owner.json"
    if not draft_id.isalnum() or not owner.is_file() or \
            json.loads(owner.read_text(encoding="utf-8"))["organ_id"] != organ_id:
        raise NotFound(f"no draft {draft_id!r}", message_vi="Không tìm thấy bản dự thảo hồ sơ.")
    return folder


def safe_name(name: str) -> str:
    """The upload's own file name, without any folder part; refused if it is not a document."""
    base = PurePosixPath(name.replace("\\", "/")).name.strip()
    if not base or base.startswith(".") or Path(base).suffix.lower() not in SUPPORTED:
        raise InvalidRequest(f"{name!r}: not a document the draft reads (PDF, DOCX, ODT, PNG, TIFF, JPEG)",
                             message_vi="Chỉ nhận tệp văn bản PDF, DOCX, ODT hoặc ảnh quét (PNG, TIFF, JPEG).")
    return base


def submission_dir(folder: Path) -> Path:
    return folder / SUBMISSION


def _proposals(folder: Path) -> list[dict]:
    return json.loads((folder / "proposals.json").read_text(encoding="utf-8"))


def add_document(folder: Path, upload: Path, name: str) -> dict:
    """Keep the document (a same-named one is replaced) and read its fields. Reading happens
    outside the lock (OCR takes seconds); the list of proposals is rewritten under it, so two
    uploads at once both stay."""
    if len(_proposals(folder)) >= MAX_DOCUMENTS:
        upload.unlink(missing_ok=True)
        raise InvalidRequest(f"a draft holds at most {MAX_DOCUMENTS} documents",
                             message_vi=f"Một hồ sơ dự thảo có tối đa {MAX_DOCUMENTS} văn bản.")
    target = submission_dir(folder) / "files" / name
    shutil.move(upload, target)
    try:
        proposal = draft_document(target).as_dict()
    except Exception:
        target.unlink(missing_ok=True)
        raise
    with _locked(folder):
        proposals = [p for p in _proposals(folder) if p["file"] != name] + [proposal]
        partial = folder / "proposals.json.partial"
        partial.write_text(json.dumps(proposals, ensure_ascii=False), encoding="utf-8")
        partial.replace(folder / "proposals.json")
    return {"document": proposal, "manifest": proposed_manifest(folder)}


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with open(folder / "proposals.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def proposed_manifest(folder: Path) -> dict:
    """The manifest from what was read, documents in date order (recomputed from the files)."""
    from ingest.draft import DocumentDraft
    from ingest.draft.fields import Proposal

    drafts = []
    for p in _proposals(folder):
        fields = {}
        for name, f in p["fields"].items():
            if name == "SignerInfo":
                for part, v in f["parts"].items():
                    fields[f"SignerInfo.{part}"] = Proposal(v["value"], v["confidence"], v["where"])
            else:
                value = f["value"]
                if name == "IssuedDate" and value:
                    from datetime import date
                    value = date.fromisoformat(value)
                fields[name] = Proposal(value, f["confidence"], f["where"])
        drafts.append(DocumentDraft(submission_dir(folder) / "files" / p["file"], fields))
    return json.loads(to_json(draft_manifest(drafts, submission_dir(folder))))


def state(folder: Path) -> dict:
    return {"documents": _proposals(folder), "manifest": proposed_manifest(folder)}


def save_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    """The archivist's manifest, as hoso.json beside the files. Its documents may only name the
    draft's own files (the validator checks the rest)."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("Documents", []), list):
        raise InvalidRequest("the manifest is a JSON object with a Documents list",
                             message_vi="Tệp kê khai phải là một đối tượng JSON có danh sách Documents.")
    path = submission_dir(folder) / "hoso.json"
    path.write_bytes(to_json(manifest))
    return path


def zip_for_submission(folder: Path, target: Path) -> Path:
    """hoso.json and files/ as the ZIP an ordinary submission would be."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(submission_dir(folder) / "hoso.json", "hoso.json")
        for f in sorted((submission_dir(folder) / "files").iterdir()):
            z.write(f, f"files/{f.name}")
    return target


def region_png(folder: Path, name: str, page: int, box: tuple[float, float, float, float]) -> bytes:
    """The part of a page a field was read from (with a margin), as PNG at 100 dpi, for the
    archivist to compare with the proposed value. Office files have no pages until rendered."""
    import io

    from PIL import Image

    from ingest.draft.layout import IMAGE_SUFFIXES, PDF_SUFFIXES
    from ingest.tools.pdfium import opened

    path = submission_dir(folder) / "files" / safe_name(name)
    suffix = path.suffix.lower()
    missing = NotFound(f"no page {page} of {name!r} to show", message_vi="Không có trang văn bản để hiển thị.")
    if not path.is_file() or suffix not in PDF_SUFFIXES | IMAGE_SUFFIXES or page < 1:
        raise missing
    if suffix in PDF_SUFFIXES:
        with opened(path) as document:
            if page > len(document):
                raise missing
            image = document[page - 1].render(scale=100 / 72, grayscale=True).to_pil()
    else:
        with Image.open(path) as scan:
            if page > getattr(scan, "n_frames", 1):
                raise missing
            scan.seek(page - 1)
            image = scan.convert("L")
            image.thumbnail((827, 1170))          # A4 at 100 dpi
    x0, y0, x1, y1 = (min(1.0, max(0.0, v)) for v in box)
    margin = 0.02
    crop = image.crop((int(max(0, x0 - margin) * image.width), int(max(0, y0 - margin) * image.height),
                       int(min(1, max(x1, x0 + 0.01) + margin) * image.width),
                       int(min(1, max(y1, y0 + 0.01) + margin) * image.height)))
    out = io.BytesIO()
    crop.save(out, format="PNG")
    return out.getvalue()


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)

"""A package's content read back from its folder, ready to be packaged again.

The transfer turns the stored AIP of a dossier into a SIP for the historical archive,
and the historical archive turns that SIP into its own AIP. Both rebuild the package
with ``build_package`` from what an existing package holds: the originals (rep0) bit for
bit, the PDF/A copies (rep1), the dossier's metadata and every PREMIS event, so the story
of each record travels with it. Only a package whose every checksum holds is read.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from archive.catalog.archived import premis_events
from archive.errors import ChecksumMismatch, InvalidPackageContent
from archive.package.content import (PDFA_PUIDS, DocumentContent, OriginalFile, PackageContent, PackageEvent,
                                     PreservationCopy, copy_id)
from archive.package.layout import ORIGINAL_REP, PRESERVATION_REP
from archive.package.read import FileDescription, PackageDescription, read_package, verify_package
from archive.storage import ObjectStore

LEVEL_OF_PUID = {puid: level for level, puid in PDFA_PUIDS.items()}


def fetch_package(store: ObjectStore, prefix: str, dest: Path, *, mets_sha256: str | None = None) -> Path:
    """Copy the package stored under ``prefix`` into ``dest/<prefix>`` and prove it intact:
    every checksum METS and PREMIS state, and the root METS against the catalog's record."""
    folder = dest / prefix.rsplit("/", 1)[-1]
    for key in sorted(store.list(f"{prefix}/")):
        target = folder / key[len(prefix) + 1:]
        target.parent.mkdir(parents=True, exist_ok=True)
        store.get_to_file(key, target)
    verify_intact(folder, mets_sha256=mets_sha256)
    return folder


def verify_intact(folder: Path, *, mets_sha256: str | None = None) -> None:
    """ChecksumMismatch naming the first problem if the package folder's bytes are not what its
    METS (and ``mets_sha256`` for the METS itself) say."""
    from archive.checksums import sha256_file
    if mets_sha256 and sha256_file(folder / "METS.xml")[0] != mets_sha256:
        raise ChecksumMismatch(f"{folder.name}/METS.xml differs from the catalog's checksum", package=folder.name)
    verify_package(folder).raise_for_problems()


def _events(package: PackageDescription) -> list[PackageEvent]:
    # premis_events names each event's tool and strips it from the detail PREMIS wrote it into
    return [PackageEvent(type=facts.type, datetime=e.datetime, outcome=facts.outcome, tool_name=facts.tool,
                         detail=facts.detail, outcome_detail=e.outcome_detail, object_ids=e.object_ids)
            for facts, e in zip(premis_events(package), package.events)]


def _original(folder: Path, f: FileDescription, roles: dict[str, str]) -> OriginalFile:
    return OriginalFile(path=folder / f.path, name=f.original_name or Path(f.path).name, sha256=f.sha256,
                        size=f.size, mime=f.mime, puid=f.puid, format_name=f.format_name,
                        role=roles.get(f.original_name or "", "main"))


def _copy(folder: Path, f: FileDescription, events: list[PackageEvent]) -> PreservationCopy:
    migration = next((e for e in events if e.type == "migration" and f.id in e.object_ids), None)
    validation = next((e for e in events if e.type == "validation" and f.id in e.object_ids), None)
    if migration is None or not migration.tool_name:
        raise InvalidPackageContent(f"preservation copy {f.path} has no migration event naming its tool")
    name, _, version = migration.tool_name.rpartition(" ")  # PREMIS labels the agent "Ghostscript 10.00.0"
    return PreservationCopy(path=folder / f.path, sha256=f.sha256, size=f.size, tool_name=name or version,
                            tool_version=version if name else "", pdfa_valid=validation is None or validation.outcome == "success",
                            pdfa_level=LEVEL_OF_PUID.get(f.puid or "", "2b"),
                            validator=validation.tool_name if validation else None,
                            validation_detail=validation.outcome_detail if validation else None, puid=f.puid,
                            format_name=f.format_name or PreservationCopy.format_name)


def package_content(folder: Path, *, extra_events: list[PackageEvent] = ()) -> tuple[PackageDescription,
                                                                                      PackageContent]:
    """What the package in ``folder`` holds, as ``build_package`` input (no previous version:
    the new package starts the dossier's history in its new home)."""
    package = read_package(folder)
    events = _events(package)
    documents = []
    for doc, described in zip(sorted(package.dossier.Documents, key=lambda d: d.DocOrdinal), package.documents):
        roles = {df.path: df.role for df in doc.files}
        originals = sorted((f for f in described.files if f.representation == ORIGINAL_REP), key=lambda f: f.path)
        copies = [f for f in described.files if f.representation == PRESERVATION_REP]
        main = next((f for f in copies if f.id == copy_id(described.ordinal)), None)
        # A copy of another original keeps its index (rep1-doc004-file02 was made from original 2).
        others = [replace(_copy(folder, f, events), original_index=int(f.id.rsplit("-file", 1)[1]))
                  for f in copies if f is not main]
        documents.append(DocumentContent(ordinal=described.ordinal,
                                         originals=[_original(folder, f, roles) for f in originals],
                                         preservation=_copy(folder, main, events) if main else None,
                                         attachment_copies=others))
    content = PackageContent(dossier=package.dossier, organ_id=package.organ_id or package.dossier.FileCode.OrganId,
                             agency_name=package.agency_name or package.organ_id or "", documents=documents,
                             events=[*events, *extra_events])
    return package, content

"""Rebuild the catalog from the packages in the store alone.

Every package is self-describing (METS, PREMIS, the dossier's descriptive metadata), so a
lost or damaged catalog database is recovered by reading each package back and recording
it exactly as ingest did (``archive.catalog.archived.record_archived_package``). Versions
of a dossier are recorded in the order their PREMIS predecessor links give: a package is
recorded only once the package it replaces is. Each package is recorded in its own
transaction, and packages already in the catalog are skipped, so an interrupted rebuild is
simply run again.

An agency a package names that is missing from the agency registry is registered again
(under the name the package gives), audited and listed in the report: the rebuild is the
only path, with the receipt of a transfer, that adds an agency without an administrator.
What the packages do not hold is not rebuilt: the audit trail, pipeline progress, fixity
history, legal holds, event dates of event-based retention periods and lifecycle states
after archiving (transferred, destroyed).
"""
from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from archive.agencies import restore_agency
from archive.catalog.archived import is_recorded, premis_events, record_archived_package
from archive.catalog.db import init_catalog, session_scope
from archive.errors import LuuTruError
from archive.package.read import PackageDescription, read_package
from archive.storage import ObjectStore, StoredObject, public_url

log = logging.getLogger(__name__)
ACTOR = "luutru-rebuild"      # an operator command, acting on no one's behalf
MANIFEST = "METS.xml"
Progress = Callable[[int, int], None]  # (packages done, packages found)


@dataclass
class RebuildReport:
    found: int = 0                  # packages in the store
    recorded: int = 0               # added to the catalog by this run
    already: int = 0                # in the catalog before this run
    dossiers: set[str] = field(default_factory=set)
    problems: dict[str, str] = field(default_factory=dict)  # package prefix -> why it was not recorded
    unlinked: list[str] = field(default_factory=list)       # recorded although their predecessor is missing
    agencies: list[str] = field(default_factory=list)       # agencies missing from the registry, restored

    def problem(self, prefix: str, exc: Exception) -> None:
        self.problems[prefix] = str(exc)
        log.error("package %s not recorded: %s", prefix, exc)


def find_packages(store: ObjectStore) -> list[str]:
    """Key prefixes of the packages in the store: folders with a METS.xml that are not inside
    another package (representations have their own METS.xml)."""
    folders = sorted((key[:-len(MANIFEST) - 1] for key in store.list() if key.endswith(f"/{MANIFEST}")),
                     key=lambda f: (f.count("/"), f))
    roots: set[str] = set()
    for folder in folders:
        parts = folder.split("/")
        if not any("/".join(parts[:i]) in roots for i in range(1, len(parts))):
            roots.add(folder)
    return sorted(roots)


def stored_objects(store: ObjectStore, prefix: str, package: PackageDescription) -> list[StoredObject]:
    """Every object under the package's prefix; content files carry the checksums their METS
    states (what fixity checks against), metadata files are hashed (they are small)."""
    described = {f"{prefix}/{f.path}": f for f in package.files}
    objects = []
    for key in sorted(store.list(f"{prefix}/")):
        f = described.get(key)
        sha256, size = (f.sha256.lower(), f.size) if f else store.hash(key)
        objects.append(StoredObject(key, size, sha256))
    return objects


class _Rebuild:
    def __init__(self, store: ObjectStore, catalog_url: str | None, report: RebuildReport):
        self.store, self.catalog_url, self.report = store, catalog_url, report
        self.store_url = public_url(store.url)
        self.recorded: set[str] = set()
        self.waiting: dict[str, list[tuple[str, PackageDescription]]] = defaultdict(list)  # by predecessor id

    def add(self, prefix: str, package: PackageDescription) -> None:
        """Record the package now if what it replaces is recorded, else when that is."""
        previous = package.previous_package_id
        if previous and previous not in self.recorded:
            with session_scope(self.catalog_url) as session:
                if not is_recorded(session, previous):
                    self.waiting[previous].append((prefix, package))
                    return
            self.recorded.add(previous)
        self._record(prefix, package)

    def _record(self, prefix: str, package: PackageDescription) -> None:
        organ_id = package.dossier.FileCode.OrganId
        try:
            with session_scope(self.catalog_url) as session:
                # the catalog is rebuilt from storage: a missing agency comes back, audited and reported
                restored = restore_agency(session, organ_id, package.agency_name, actor=ACTOR, source="rebuild")
                version = record_archived_package(
                    session, package, object_prefix=prefix, store_url=self.store_url,
                    objects=(objects := stored_objects(self.store, prefix, package)),
                    manifest_sha256=next((o.sha256 for o in objects if o.key == f"{prefix}/{MANIFEST}"), None),
                    events=premis_events(package))
        except (LuuTruError, ValueError) as exc:  # e.g. an unknown retention period
            self.report.problem(prefix, exc)
            return
        if restored:
            self.report.agencies.append(organ_id)
        self.report.recorded += version is not None
        self.report.already += version is None
        self.report.dossiers.add(package.dossier.code)
        self.recorded.add(package.package_id)
        for successor in self.waiting.pop(package.package_id, []):
            self._record(*successor)

    def finish(self) -> None:
        """Chains whose first waiting package replaces one found in no readable package: that
        package is recorded anyway (oldest first), then the versions that follow it."""
        while self.waiting:
            waiting_ids = {package.package_id for group in self.waiting.values() for _, package in group}
            missing = [pid for pid in self.waiting if pid not in waiting_ids] or list(self.waiting)
            prefix, package = min((p for pid in missing for p in self.waiting[pid]), key=lambda p: p[1].created)
            group = self.waiting[package.previous_package_id]
            group[:] = [p for p in group if p[1] is not package]
            if not group:
                del self.waiting[package.previous_package_id]
            self.report.unlinked.append(prefix)
            log.warning("package %s: the package it replaces, %s, is not in the store", prefix,
                        package.previous_package_id)
            self._record(prefix, package)


def rebuild_catalog(store: ObjectStore, *, catalog_url: str | None = None,
                    progress: Progress | None = None) -> RebuildReport:
    """Record every package of ``store`` in the catalog (created or upgraded first)."""
    init_catalog(catalog_url)
    prefixes = find_packages(store)
    report = RebuildReport(found=len(prefixes))
    rebuild = _Rebuild(store, catalog_url, report)
    for done, prefix in enumerate(prefixes, 1):
        try:
            package = read_package(prefix, store)
        except (LuuTruError, ValueError) as exc:  # unreadable METS/PREMIS, invalid dossier metadata
            report.problem(prefix, exc)
        else:
            rebuild.add(prefix, package)
        if progress:
            progress(done, len(prefixes))
    rebuild.finish()
    return report

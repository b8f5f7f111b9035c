"""ZIP files with stable bytes: fixed timestamps and modes, so rebuilding changes nothing."""
from __future__ import annotations

import stat
import zipfile
from pathlib import Path

FIXED_ZIP_TIME = (2021, 12, 31, 0, 0, 0)


def write_zip(path: Path, entries) -> None:
    """Entries are (name, bytes[, compression[, file type]]); fixed timestamps so rebuilding changes nothing.

    A file type of ``stat.S_IFLNK`` stores a symbolic link whose target is the entry's bytes."""
    with zipfile.ZipFile(path, "w") as z:
        for entry in entries:
            name, data, compression, kind = (*entry, *(zipfile.ZIP_DEFLATED, stat.S_IFREG)[len(entry) - 2:])
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = compression
            info.external_attr = (kind | (0o777 if kind == stat.S_IFLNK else 0o644)) << 16
            z.writestr(info, data)


def normalise_zip(path: Path) -> None:
    """Rewrite a ZIP-based office file with fixed timestamps (python-docx stamps the clock)."""
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i), i.compress_type) for i in z.infolist()]
    write_zip(path, entries)


def zip_folder(folder: Path, target: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    write_zip(target, [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in files])

"""Opening a submission (a folder, or a ZIP of one) safely.

A ZIP is judged entirely from its directory before a byte is written: entries with ``..``,
absolute paths or symlinks, too many entries, or a declared size or compression ratio over
the limits refuse the whole submission (``UnreadableSubmission`` with its ``reason``). It is
then extracted in chunks into a private work folder, counting real bytes (declared sizes
can lie), so memory stays flat whatever the file sizes. Folders are walked without
following symlinks. The manifest is read by ``schemas.manifest`` (hardened XML, UTF-8 only).
"""
from __future__ import annotations

import os
import re
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from archive.checksums import sha256_file
from archive.errors import UnreadableSubmission
from archive.settings import Settings, get_settings, load_codelists
from schemas.codelists import CodeLists
from schemas.manifest import MANIFEST_NAMES, Manifest, read_manifest
from schemas.models import Dossier
from schemas.problems import Problem, problem
from schemas.reader import read_dossier

CHUNK = 1024 * 1024
RATIO_FLOOR = 1024 * 1024           # below this many bytes a high ratio harms nobody
_JUNK = {".DS_Store", "Thumbs.db", "desktop.ini"}
_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe(path: str) -> bool:
    """Absolute, drive-qualified or climbing (``..``) paths, in either slash style."""
    parts = path.replace("\\", "/").split("/")
    return path.startswith(("/", "\\")) or bool(_DRIVE.match(path)) or ".." in parts or "\x00" in path


def normalise(path: str) -> str:
    return str(PurePosixPath(path.replace("\\", "/")))


@dataclass
class Submission:
    source: Path
    root: Path                              # the folder holding the manifest
    manifest_path: Path
    files: list[str]                        # every other file, relative POSIX paths, sorted
    problems: list[Problem] = field(default_factory=list)   # structure and manifest problems
    manifest: Manifest | None = None
    origin: dict = field(default_factory=dict)   # what wrapped it: {"bagit": {bag-info…}}, {"eark": {…}}
    _work: tempfile.TemporaryDirectory | None = None
    _read: tuple[Dossier | None, list[Problem]] | None = None

    @property
    def raw(self) -> dict | None:
        return self.manifest.raw if self.manifest else None

    def read(self, codelists: CodeLists | None = None) -> tuple[Dossier | None, list[Problem]]:
        """The typed dossier and the problems of its fields (cached)."""
        if self._read is None:
            self._read = read_dossier(self.raw, codelists or load_codelists()) if self.raw is not None \
                else (None, [])
        return self._read

    @property
    def dossier(self) -> Dossier | None:
        return self.read()[0]

    def path_of(self, relative: str) -> Path:
        if unsafe(relative):
            raise ValueError(f"unsafe path {relative!r}")
        return self.root / normalise(relative)

    def sha256(self, relative: str) -> tuple[str, int]:
        """Digest and size of one file, streamed."""
        return sha256_file(self.path_of(relative))

    def close(self) -> None:
        if self._work is not None:
            self._work.cleanup()
            self._work = None

    def __enter__(self) -> Submission:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_submission(path: str | Path, settings: Settings | None = None,
                    work_dir: Path | None = None) -> Submission:
    """Open a folder, a ZIP, or a bare hoso.xml/hoso.json; raises ``UnreadableSubmission``."""
    settings = settings or get_settings()
    source = Path(path)
    if source.is_dir():
        return _from_root(source, source, settings)
    if source.is_file() and source.name in MANIFEST_NAMES:
        return _from_folder(source, source.parent, settings)
    if source.is_file() and zipfile.is_zipfile(source):
        work = tempfile.TemporaryDirectory(prefix="luutru-submission-", dir=work_dir)
        try:
            extract_zip(source, Path(work.name), settings)
            submission = _from_root(source, _manifest_root(Path(work.name)), settings)
        except BaseException:
            work.cleanup()
            raise
        submission._work = work
        return submission
    raise UnreadableSubmission(f"{source} is not a folder, a ZIP or a manifest", reason="not_a_submission",
                               message_vi="Gói hồ sơ phải là một thư mục hoặc một tệp ZIP có tệp kê khai.")


def _refuse(reason: str, detail: str, message_vi: str) -> UnreadableSubmission:
    return UnreadableSubmission(detail, reason=reason, message_vi=message_vi)


def _check_zip_directory(infos: list[zipfile.ZipInfo], settings: Settings) -> None:
    if len(infos) > settings.max_zip_entries:
        raise _refuse("zip_too_many_entries", f"{len(infos)} entries > {settings.max_zip_entries}",
                      f"Tệp ZIP có {len(infos)} mục, vượt quá giới hạn {settings.max_zip_entries}.")
    seen: set[str] = set()
    for info in infos:
        name = normalise(info.filename)
        if name in seen and not info.is_dir():
            raise _refuse("zip_unsafe_entry", f"{info.filename!r} appears twice",
                          f"Tệp ZIP có hai mục trùng tên «{info.filename}».")
        seen.add(name)
        is_link = stat.S_ISLNK(info.external_attr >> 16)
        if unsafe(info.filename) or is_link:
            kind = "symlink" if is_link else "path outside the submission"
            raise _refuse("zip_unsafe_entry", f"{info.filename!r}: {kind}",
                          f"Tệp ZIP chứa mục không an toàn «{info.filename}» (liên kết tượng trưng, "
                          "đường dẫn tuyệt đối hoặc có «..»).")
        if info.flag_bits & 0x1:
            raise _refuse("not_a_submission", f"{info.filename!r} is encrypted",
                          f"Tệp ZIP có mục được đặt mật khẩu «{info.filename}».")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > settings.max_submission_bytes or (total > RATIO_FLOOR and total / packed > settings.max_zip_ratio):
        raise _zip_bomb(f"declares {total} bytes from {packed} (ratio {total / packed:.0f})", settings)


def check_zip(archive: Path, settings: Settings | None = None) -> None:
    """Judge a ZIP-based file (DOCX, ODT) from its directory before a library inflates it:
    the same limits as a submission (entries, declared size, compression ratio)."""
    try:
        with zipfile.ZipFile(archive) as z:
            _check_zip_directory(z.infolist(), settings or get_settings())
    except zipfile.BadZipFile as exc:
        raise _refuse("not_a_submission", f"broken ZIP: {exc}", f"Tệp ZIP bị hỏng ({exc}).") from exc


def _zip_bomb(detail: str, settings: Settings) -> UnreadableSubmission:
    return _refuse("zip_bomb", detail,
                   "Tệp ZIP giải nén quá lớn hoặc tỉ lệ nén bất thường (nghi là bom ZIP); giới hạn "
                   f"{settings.max_submission_bytes} byte, tỉ lệ {settings.max_zip_ratio}.")


def extract_zip(archive: Path, dest: Path, settings: Settings) -> None:
    """Unpack ``archive`` into ``dest``, refusing (UnreadableSubmission) what is not a plain ZIP
    of files inside ``dest``: absolute, ``..`` or symlink entries, duplicates, encrypted
    entries, zip bombs, more entries or bytes than ``settings`` allow, broken archives."""
    try:
        _extract_entries(archive, dest, settings)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
            FileExistsError, NotADirectoryError, IsADirectoryError) as exc:    # entries that clash
        raise _refuse("not_a_submission", f"broken ZIP: {exc}",
                      f"Tệp ZIP bị hỏng, không giải nén được ({exc}).") from exc


def _extract_entries(archive: Path, dest: Path, settings: Settings) -> None:
    with zipfile.ZipFile(archive) as z:
        infos = z.infolist()
        _check_zip_directory(infos, settings)
        written = 0
        for info in infos:
            target = dest / normalise(info.filename)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, open(target, "xb") as dst:
                entry = 0
                while chunk := src.read(CHUNK):
                    entry += len(chunk)
                    written += len(chunk)
                    if entry > info.file_size or written > settings.max_submission_bytes:
                        raise _zip_bomb(f"{info.filename!r} expands beyond its declared size", settings)
                    dst.write(chunk)


def _manifest_root(folder: Path) -> Path:
    """The folder itself, or its single sub-folder when the ZIP was made of the folder."""
    from ingest.packages import ROOT_MARKERS

    if any((folder / n).is_file() for n in ROOT_MARKERS):
        return folder
    children = [c for c in folder.iterdir() if c.name not in _JUNK and c.name != "__MACOSX"]
    if len(children) == 1 and children[0].is_dir() and any((children[0] / n).is_file() for n in ROOT_MARKERS):
        return children[0]
    return folder


def _from_root(source: Path, root: Path, settings: Settings) -> Submission:
    """A bag is checked and unwrapped, an E-ARK SIP checked, anything else read as a dossier folder."""
    from ingest import packages

    if packages.is_bag(root):
        origin = packages.check_bag(root)
        submission = _from_root(source, root / "data", settings)
        submission.origin = {**origin, **submission.origin}
        return submission
    if packages.is_eark(root):
        origin, manifest_path = packages.check_eark(root, settings)
        submission = _from_folder(source, root, settings, manifest_path=manifest_path,
                                  content=packages.EARK_DATA)
        submission.origin = origin
        return submission
    return _from_folder(source, root, settings)


def _from_folder(source: Path, root: Path, settings: Settings, *, manifest_path: Path | None = None,
                 content: re.Pattern | None = None) -> Submission:
    """``content``: where the dossier's files are (an E-ARK SIP's representation data); the
    package's own METS, schemas and metadata are not documents."""
    files, problems, total = [], [], 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if d != "__MACOSX"]
        for name in sorted(dirnames + filenames):
            full = here / name
            relative = full.relative_to(root).as_posix()
            if full.is_symlink():
                problems.append(problem("unsafe_path", relative, relative, "symlinks are not accepted"))
            elif name in filenames and name not in _JUNK and full.is_file():
                files.append(relative)
                total += full.stat().st_size
        if len(files) > settings.max_zip_entries or total > settings.max_submission_bytes:
            raise _refuse("submission_too_large", f"more than {settings.max_zip_entries} files or "
                          f"{settings.max_submission_bytes} bytes",
                          "Gói hồ sơ vượt quá giới hạn số tệp hoặc dung lượng cho phép.")
    # An empty manifest is no manifest: nothing in it can be validated.
    manifest_path = manifest_path or next((root / n for n in MANIFEST_NAMES
                                           if (root / n).is_file() and (root / n).stat().st_size), None)
    if manifest_path is None:
        from ingest.packages import refuse_without_manifest
        raise refuse_without_manifest(source, root, files)
    manifest = read_manifest(manifest_path, settings.max_manifest_bytes)
    problems.extend(manifest.problems)
    own = manifest_path.relative_to(root).as_posix()
    files = sorted(f for f in files if f not in MANIFEST_NAMES and f != own
                   and (content is None or content.match(f)))
    return Submission(source, root, manifest_path, files, problems, manifest)

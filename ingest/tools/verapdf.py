"""veraPDF: the reference PDF/A validator (``Settings.verapdf_path``; scripts/verapdf/install.sh).

A Java start-up and JIT warm-up cost ~5 s CPU, more than veraPDF then needs for a whole
dossier, so the JVM is kept: ``validate_many`` hands each file to a running veraPDF in
its own server mode (``--servermode``, what veraPDF's ``--processes`` workers run: one
path per stdin line, answered with the path of that file's one-job MRR report). Servers
are kept per process (at most ``KEEP`` idle), closed after ``IDLE_SECONDS`` unused or
``RECYCLE_FILES`` files, and never shared across a fork. ``prestart`` starts them ahead of
need (a worker process, ``luutru serve`` and ``luutru ingest`` do at start), so that the
first dossier does not wait for a cold JVM.
"""
from __future__ import annotations

import atexit
import logging
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from lxml import etree

from archive.errors import ToolFailed, ToolTimedOut
from archive.settings import get_settings

from archive import process as _process
from . import cores

log = logging.getLogger(__name__)

NAME = "veraPDF"
KEEP = 2                # JVMs validating a dossier side by side, and idle ones kept: one per core
IDLE_SECONDS = 300      # an idle JVM holds ~250 MB
RECYCLE_FILES = 2000    # a fresh JVM now and then bounds whatever veraPDF caches
WARM_UP_FILES = 3       # times a JVM started ahead validates a PDF/A copy of its own first (JIT warm-up)
_STDERR_TAIL = 500


def _program() -> str:
    path = get_settings().verapdf_path
    if not path:
        raise ToolFailed("veraPDF is not configured (LUUTRU_VERAPDF_PATH)", tool=NAME)
    return path


def version() -> str:
    return _process.version(_program(), "--version")


def validate_command(paths: Iterable[Path], flavour: str) -> list[str]:
    """One veraPDF run over ``paths`` (batch mode, one JVM for the run): the bare tool, as
    bench/ingest_bench.py runs it beside LuuTru."""
    return [_program(), "--format", "xml", "--flavour", flavour, *(str(p) for p in paths)]


def server_command(first: Path, flavour: str) -> list[str]:
    # --nonpdfext: a path veraPDF skipped for its name would get no report of its own.
    return [_program(), "--servermode", "--nonpdfext", "--format", "xml", "--flavour", flavour, str(first)]


def validate(path: Path, level: str | None = None, *, timeout: float | None = None):
    """Run veraPDF on ``path`` and return its parsed report (ingest.pdfa_check.PdfaValidation)."""
    return validate_many([path], level, timeout=timeout)[Path(path)]


def validate_many(paths: Iterable[Path], level: str | None = None, *, timeout: float | None = None) -> dict:
    """Validate every file of ``paths`` in running veraPDF JVMs: {path as given: PdfaValidation}.

    The files are shared out over as many JVMs as the core budget has cores free (at most
    ``KEEP``; veraPDF validates a file on one thread). ``timeout`` (default
    ``Settings.tool_timeout_seconds``) bounds each file: past it the JVM is killed and
    ToolTimedOut raised.
    """
    paths = list(dict.fromkeys(Path(p) for p in paths))
    if not paths:
        return {}
    # veraPDF's server mode answers nothing for a path it cannot open (it would wait for the next).
    unreadable = [p.name for p in paths if not (p.is_file() and os.access(p, os.R_OK))]
    if unreadable:
        raise ToolFailed(f"veraPDF cannot read {', '.join(unreadable)}: not a readable file", tool=NAME)
    flavour = (level or get_settings().pdfa_level).lower()
    limit = timeout if timeout is not None else get_settings().tool_timeout_seconds
    with cores.budget().hold(up_to=min(len(paths), KEEP)) as jvms:
        if jvms == 1:
            return _validate_in_one(paths, flavour, limit)
        with ThreadPoolExecutor(jvms) as pool:
            parts = pool.map(lambda part: _validate_in_one(part, flavour, limit), [paths[i::jvms] for i in range(jvms)])
            return {path: verdict for part in parts for path, verdict in part.items()}


def _validate_in_one(paths: list[Path], flavour: str, limit: float) -> dict:
    results = {}
    with _server(flavour, paths[0].absolute()) as server:
        for path in paths:
            absolute = str(path.absolute())
            root = _parse_xml(server.report(absolute, time.monotonic() + limit))
            job = root.find("jobs/job")
            # A non-compliant or unreadable file is a result (a job), not a tool failure.
            if job is None or job.findtext("item/name") != absolute:
                raise ToolFailed(f"veraPDF reported on something else than {path.name}", tool=NAME)
            results[path] = _job_result(root, job, flavour)
    return results


class _Server:
    """One ``verapdf --servermode`` process; it validates ``first`` as it starts (without one:
    a small document of its own, to warm it up)."""

    def __init__(self, flavour: str, first: Path | None) -> None:
        self.flavour, self.files, self.used, self.closed = flavour, 0, time.monotonic(), False
        self.owner, self.program = os.getpid(), _program()
        self.key = (flavour, self.program)
        # Its reports (java.io.tmpdir, via the launcher) and its stderr stay in a folder of its own.
        self.scratch = Path(tempfile.mkdtemp(prefix="luutru-verapdf-"))
        self.stderr = open(self.scratch / "stderr.txt", "w+b")  # noqa: SIM115 - closed in close()
        options = f"{os.environ.get('VERAPDF_JAVA_OPTS', '')} -Djava.io.tmpdir={self.scratch}"
        try:
            first = first or _warm_up_document(self.scratch / "khoi-dong.pdf")
            self.first = str(first)
            self.proc, self.record = _process.spawn(
                server_command(first, flavour), tool=NAME, bufsize=0, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=self.stderr, env={**os.environ, "VERAPDF_JAVA_OPTS": options})
        except BaseException:
            self.stderr.close()
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise
        self.pending = b""

    def report(self, path: str, deadline: float) -> bytes:
        """The MRR report on ``path`` (an absolute path without a line break)."""
        if "\n" in path or "\r" in path:
            raise ToolFailed(f"veraPDF server mode cannot take a path with a line break: {path!r}", tool=NAME)
        if self.files or path != self.first:  # the file given at start-up is on its way already
            try:
                self.proc.stdin.write(path.encode() + b"\n")
            except OSError:  # it died since it was last asked
                raise ToolFailed(f"veraPDF stopped (status {self.proc.wait()}): {self._stderr()}", tool=NAME) from None
        self.files += 1
        answer = Path(self._line(deadline))
        try:
            return answer.read_bytes()
        except OSError:
            raise ToolFailed(f"veraPDF answered {str(answer)[:200]!r}: {self._stderr()}", tool=NAME) from None
        finally:
            if answer.name.startswith("tempReport") and answer.suffix == ".xml":  # veraPDF's File.createTempFile
                answer.unlink(missing_ok=True)

    def _line(self, deadline: float) -> str:
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ToolTimedOut(f"{NAME} did not finish a file within the time limit", tool=NAME)
            if select.select([fd], [], [], left)[0]:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise ToolFailed(f"veraPDF stopped (status {self.proc.wait()}): {self._stderr()}", tool=NAME)
                self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        return line.decode(errors="replace").strip()

    def _stderr(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace").strip()[-_STDERR_TAIL:]

    def close(self, *, kill: bool = False) -> None:
        """"q" ends the server (veraPDF's own exit line); a stuck or failed one is killed."""
        if os.getpid() != self.owner:
            return  # a forked child's copy: the parent's process is the parent's to end
        with _changed:
            if self.closed:     # e.g. killed at exit while warming up, then by its warm-up thread
                return
            self.closed = True
        if not kill and self.proc.poll() is None:
            try:
                self.proc.stdin.write(b"q\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                kill = True
        if kill or self.proc.poll() is None:
            _process.kill_group(self.proc)
        self.record.unlink(missing_ok=True)
        self.stderr.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


def _warm_up_document(path: Path) -> Path:
    """A few pages like the documents ingested here: Vietnamese text in embedded TrueType
    fonts and a table (reportlab; not PDF/A)."""
    from archive.pdf import PdfDocument, PdfTable, write_pdf
    return write_pdf(PdfDocument(
        title="Quyết định ban hành Quy chế công tác văn thư, lưu trữ",
        lines=["Căn cứ Luật Lưu trữ ngày 21 tháng 6 năm 2024;", "Theo đề nghị của Giám đốc Sở Nội vụ,"] * 50,
        tables=[PdfTable("Danh mục hồ sơ", ["Số", "Tiêu đề", "Thời hạn"], [[1, "Hồ sơ hội nghị", "Vĩnh viễn"]])]),
        path)


_idle: list[_Server] = []
_starting: list[_Server] = []       # started ahead of need, still warming up
_changed = threading.Condition()    # guards both lists; notified when a warm-up ends


def prestart(level: str | None = None) -> list[_Server]:
    """Start, ahead of need, the JVMs a dossier would use (one per core of this process's
    budget, at most ``KEEP``) that are not running already, and return them at once: each
    warms up on a document of its own in a background thread, then waits idle (closed after
    ``IDLE_SECONDS`` unused, counted from then). A dossier arriving meanwhile waits for a
    warming JVM rather than starting a cold one beside it."""
    flavour = (level or get_settings().pdfa_level).lower()
    key, started = (flavour, _program()), []
    with _changed:
        running = sum(s.key == key and s.proc.poll() is None for s in _idle + _starting)
        for _ in range(min(KEEP, cores.process_cores()) - running):
            started.append(_Server(flavour, None))
            _starting.append(started[-1])
    for server in started:
        threading.Thread(target=_warm_up, args=(server,), name="verapdf-warm-up", daemon=True).start()
    return started


def _warm_up(server: _Server) -> None:
    """Start-up and profile loading on the server's first document; then JIT warm-up on what
    ingest checks, the document's Ghostscript PDF/A copy (validated ``WARM_UP_FILES`` times)."""
    from . import ghostscript
    ready = False
    try:
        first = Path(server.first)
        # While the JVM starts. Outside the core budget: a dossier's check holds its cores while it
        # waits for this warm-up, so waiting here for one of them would deadlock both.
        copy = str(ghostscript.to_pdfa(first, first.with_name("ban-sao.pdf"), budgeted=False))
        server.report(server.first, time.monotonic() + get_settings().tool_timeout_seconds)
        for _ in range(WARM_UP_FILES):
            server.report(copy, time.monotonic() + get_settings().tool_timeout_seconds)
        ready = True
    except Exception as exc:  # noqa: BLE001 - e.g. no Java, or closed at exit: a dossier then starts its own
        log.warning("veraPDF started ahead of need did not warm up: %s", exc)
    finally:
        with _changed:
            if server in _starting:
                _starting.remove(server)
                if ready:
                    server.used = time.monotonic()   # idle from now, not from its start
                    _idle.append(server)
            _changed.notify_all()
    if ready:
        _schedule_reaper()
    else:
        server.close(kill=True)


@contextmanager
def _server(flavour: str, first: Path) -> Iterator[_Server]:
    """An idle server for ``flavour`` (waiting for one warming up), or a new one; killed if
    anything goes wrong with it."""
    key, dead = (flavour, _program()), []
    with _changed:
        while True:
            dead += [s for s in _idle if s.proc.poll() is not None]  # e.g. killed between two calls
            _idle[:] = [s for s in _idle if s not in dead]
            server = next((s for s in _idle if s.key == key), None)
            if server is not None or not any(s.key == key for s in _starting):
                break
            _changed.wait()
        if server is not None:
            _idle.remove(server)
    for gone in dead:
        gone.close(kill=True)
    server = server or _Server(flavour, first)
    try:
        yield server
    except BaseException:
        server.close(kill=True)
        raise
    server.used = time.monotonic()
    with _changed:
        keep = len(_idle) < KEEP and server.files < RECYCLE_FILES
        if keep:
            _idle.append(server)
    if not keep:
        server.close()
        return
    _schedule_reaper()


_reaper: threading.Timer | None = None


def _schedule_reaper() -> None:
    """One timer at a time, due when the longest-idle server has been idle IDLE_SECONDS."""
    global _reaper
    with _changed:
        if _reaper is not None or not _idle:
            return
        due = min(s.used for s in _idle) + IDLE_SECONDS - time.monotonic()
        _reaper = threading.Timer(max(due, 0) + 1, _reap)
        _reaper.daemon = True
        _reaper.start()


def _reap() -> None:
    global _reaper
    with _changed:
        _reaper = None
    close_idle(older_than=IDLE_SECONDS)
    _schedule_reaper()


def close_idle(older_than: float = 0) -> None:
    """Close the servers unused for ``older_than`` seconds (all idle ones by default)."""
    global _reaper
    now = time.monotonic()
    with _changed:
        old = [s for s in _idle if now - s.used >= older_than]
        for server in old:
            _idle.remove(server)
        if not _idle and _reaper is not None:  # nothing left for it to close
            _reaper.cancel()
            _reaper = None
    for server in old:
        server.close()


def close_all() -> None:
    """Close the idle servers and kill those still warming up (at exit: none is left behind)."""
    with _changed:
        warming = list(_starting)
    for server in warming:
        server.close(kill=True)
    close_idle()


def _forget_after_fork() -> None:
    global _changed, _reaper
    _changed, _reaper = threading.Condition(), None
    _idle.clear()   # the parent's servers: not ours to use or end
    _starting.clear()


atexit.register(close_all)
os.register_at_fork(after_in_child=_forget_after_fork)


def parse_report(xml: bytes, *, flavour: str, validator_version: str | None = None):
    """Parse a veraPDF machine-readable report (MRR, ``--format xml``) of one job."""
    root = _parse_xml(xml)
    job = root.find("jobs/job")
    if job is None or job.find("validationReport") is None:
        # veraPDF reports parse failures and encrypted files without a validationReport.
        problem = root.findtext(".//taskException/exceptionMessage") or "no validationReport in the veraPDF output"
        raise ToolFailed(problem, tool=NAME)
    result = _job_result(root, job, flavour)
    if validator_version:
        result.validator_version = validator_version
    return result


def _parse_xml(xml: bytes):
    try:
        return etree.fromstring(xml.strip(), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ToolFailed(f"unreadable veraPDF report: {exc}", tool=NAME) from exc


def _job_result(root, job, flavour: str):
    from ingest.pdfa_check import FailedRule, PdfaValidation  # result types live with the fallback

    core = root.find("buildInformation/releaseDetails[@id='core']")
    result = PdfaValidation(validator=NAME, validator_version=core.get("version", "") if core is not None else "",
                            flavour=flavour, compliant=False)
    report = job.find("validationReport")
    if report is None:
        # Not parsed or encrypted: nothing was judged, so the file is not compliant and
        # the check is incomplete.
        problem = job.findtext("taskException/exceptionMessage") or "veraPDF did not validate the file"
        result.unchecked, result.note = [problem], problem
        return result
    result.failed_rules = [
        FailedRule(
            specification=rule.get("specification", ""),
            clause=rule.get("clause", ""),
            test_number=int(rule.get("testNumber", "0")),
            description=" ".join((rule.findtext("description") or "").split()),
            failed_checks=int(rule.get("failedChecks", "0")),
            contexts=[check.findtext("context") or "" for check in rule.iterfind("check[@status='failed']")],
        )
        for rule in report.iterfind("details/rule[@status='failed']")
    ]
    result.compliant = report.get("isCompliant") == "true"
    result.note = report.get("profileName", "")
    if report.get("jobEndStatus", "normal") != "normal":  # e.g. cancelled at the time limit
        result.compliant, result.unchecked = False, [f"veraPDF job ended: {report.get('jobEndStatus')}"]
    return result

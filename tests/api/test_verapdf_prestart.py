"""veraPDF is started ahead of need: a Celery worker process, ``luutru serve`` and ``luutru
ingest`` have its JVM running before their first PDF/A check, the check uses it, and stopping
the process ends it."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ingest.tools import verapdf as verapdf_tool
from tests.fixtures.agencies import archivist_token
from tests.fixtures.archives import LUUTRU, ROOT

pytestmark = pytest.mark.slow      # each starts a JVM (~5 s of CPU)
# Files a JVM started ahead has validated when warm: its document, then that document's PDF/A copy.
WARMED = verapdf_tool.WARM_UP_FILES + 1


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue                                   # ended while we looked
        tree.setdefault(ppid, []).append(int(stat.parent.name))
    return tree


def verapdf_servers_under(pid: int) -> list[int]:
    """The veraPDF server JVMs among the descendants of process ``pid``."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            todo.append(child)
            try:
                if b"--servermode" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(child)
            except OSError:
                pass
    return found


def _scratch(jvm: int) -> Path:
    """The JVM's own folder (its java.io.tmpdir, which LuuTru removes when it closes it)."""
    options = Path(f"/proc/{jvm}/cmdline").read_bytes().split(b"\0")
    [folder] = [o.split(b"=", 1)[1] for o in options if o.startswith(b"-Djava.io.tmpdir=")]
    return Path(folder.decode())


def _wait_for(condition, what: str, timeout: float = 180):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)
    return found


def _gone(pids: list[int]) -> bool:
    """None of ``pids`` runs (ended, or a zombie not reaped yet)."""
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                return False
        except OSError:
            pass
    return True


@pytest.mark.services
@pytest.mark.parametrize("pool", ["prefork", "solo"])     # worker_process_init / worker_ready
def test_a_worker_process_has_verapdf_running_before_its_first_check(verapdf, redis_server, tmp_path, pool):
    from api.worker import app
    from archive.pdf import PdfDocument, write_pdf
    from tests.api.prestart_tasks import first_check
    app.conf.broker_url = app.conf.result_backend = redis_server.url
    env = {**os.environ, "LUUTRU_BROKER_URL": redis_server.url, "LUUTRU_INGEST_WORKERS": "1",
           "LUUTRU_DATA_DIR": str(tmp_path / "data")}
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "api.worker", "worker", f"--pool={pool}",
                               "--concurrency=1", "--include", "tests.api.prestart_tasks", "--without-gossip",
                               "--without-mingle", "--loglevel=WARNING"],
                              cwd=ROOT, env=env, stdout=open(tmp_path / "worker.log", "ab"),
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        [jvm] = _wait_for(lambda: verapdf_servers_under(worker.pid), "veraPDF under the worker")  # no task sent yet
        copy = write_pdf(PdfDocument(title="Báo cáo tổng hợp", lines=["Không phải PDF/A."]), tmp_path / "bc.pdf")
        report = first_check.delay(str(copy)).get(timeout=300)
        worker.send_signal(signal.SIGTERM)                 # warm shutdown
        worker.wait(timeout=120)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
    assert report["running_before"] == [jvm] and report["failed_rules"] > 0
    assert report["files"] == [[jvm, WARMED + 1]]    # the warm-up, then the check, in it
    _wait_for(lambda: _gone([jvm]), "the JVM to end with its worker", timeout=30)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])   # stopped, or killed: no JVM is left
def test_luutru_serve_has_verapdf_running_at_start_and_ends_it_when_stopped(verapdf, tmp_path, stop):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUUTRU_")} | \
        {"LUUTRU_DATA_DIR": str(tmp_path / "var")}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([LUUTRU, "serve", "--port", str(port), "--log-level", "warning"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        jvms = _wait_for(lambda: verapdf_servers_under(server.pid), "veraPDF under luutru serve")
        scratch = [_scratch(jvm) for jvm in jvms]

        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5):
                    return True
            except OSError:
                return False
        _wait_for(answers, "the server to answer", timeout=60)
        server.send_signal(stop)
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=30)
    # SIGKILL: veraPDF's server mode ends when its stdin closes with its owner.
    _wait_for(lambda: _gone(jvms), "the JVMs to end with the server", timeout=30)
    if stop == signal.SIGTERM:      # closed as the app shut down: its folder removed too
        assert not any(folder.exists() for folder in scratch)
    else:
        for folder in scratch:      # what a killed owner leaves (tmp); its record goes at the next start
            shutil.rmtree(folder, ignore_errors=True)


def test_luutru_ingest_has_verapdf_warming_before_the_first_check_and_uses_it(verapdf, archive_home,
                                                                            born_digital_sample, monkeypatch):
    from typer.testing import CliRunner
    import api.cli.ingest  # noqa: F401 - registers the command
    from api.cli.app import app
    verapdf_tool.close_all()
    created, checks = [], []

    class Recorded(verapdf_tool._Server):
        def __init__(self, *args):
            super().__init__(*args)
            created.append((time.monotonic(), self))

    def validate_many(paths, *args, **kwargs):
        checks.append(time.monotonic())
        return check(paths, *args, **kwargs)

    check = verapdf_tool.validate_many
    monkeypatch.setattr(verapdf_tool, "_Server", Recorded)
    monkeypatch.setattr(verapdf_tool, "validate_many", validate_many)
    monkeypatch.setenv("LUUTRU_TOKEN", archivist_token("000.00.00.H41"))
    done = CliRunner().invoke(app, ["ingest", str(born_digital_sample)])
    assert done.exit_code == 0, done.output
    try:
        assert checks and created
        assert all(at < checks[0] for at, _ in created)           # started ahead, none for the check itself
        assert all(Path(s.first).name == "khoi-dong.pdf" for _, s in created)
        assert any(s.files > WARMED for _, s in created)  # and the dossier's copies went to it
    finally:
        verapdf_tool.close_all()

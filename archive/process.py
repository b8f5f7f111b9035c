"""Run one external program: timeout, process-group kill, typed failures.

Every tool module goes through ``run`` so a hung converter never outlives its limit
(LibreOffice and Ghostscript spawn children; killing only the parent leaves orphans).
Each running tool's process group is also written to ``data_dir/run/tools/`` with the
process that started it: if that process is killed (kill -9 leaves no time to clean up),
``kill_orphans`` at the next start of a server or worker ends the group it left behind.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
from functools import lru_cache
from pathlib import Path

from archive.errors import MissingDependency, ToolFailed, ToolTimedOut
from archive.settings import get_settings

_STDERR_TAIL = 2000


def executable(program: str) -> str:
    """Absolute path of ``program`` or MissingDependency naming it."""
    found = shutil.which(program)
    if not found:
        raise MissingDependency(f"{program} is not installed or not on PATH", program=program)
    return found


def run(
    args: list[str | os.PathLike],
    *,
    tool: str,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    ok_returncodes: tuple[int, ...] = (0,),
) -> subprocess.CompletedProcess[str]:
    """Run ``args`` in its own process group; raise ToolTimedOut / ToolFailed on failure."""
    argv = [executable(str(args[0])), *map(str, args[1:])]
    limit = timeout if timeout is not None else get_settings().tool_timeout_seconds
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
        env=env, cwd=cwd, start_new_session=True,
    )
    record = _record_group(proc.pid, tool)
    try:
        out, err = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        raise ToolTimedOut(f"{tool} did not finish within {limit:g} s", tool=tool) from None
    except BaseException:
        kill_group(proc)
        raise
    finally:
        record.unlink(missing_ok=True)
    if proc.returncode not in ok_returncodes:
        raise ToolFailed(
            f"{tool} exited with status {proc.returncode}: {err.strip()[-_STDERR_TAIL:]}",
            tool=tool, returncode=proc.returncode,
        )
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def spawn(args: list[str | os.PathLike], *, tool: str, **popen: object) -> tuple[subprocess.Popen, Path]:
    """Start a long-lived tool in its own process group, recorded like ``run``'s (so
    ``kill_orphans`` ends it if this process dies); the caller ends it with ``kill_group``
    or lets it exit, then unlinks the returned record."""
    argv = [executable(str(args[0])), *map(str, args[1:])]
    proc = subprocess.Popen(argv, start_new_session=True, **popen)  # type: ignore[call-overload]
    return proc, _record_group(proc.pid, tool)


def started(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, /proc/PID/stat field 22): with
    the pid it names one process, never a later one that reused the number."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] in ("Z", "X") else fields[19]      # a zombie has ended already


def alive(pid: int, start: str | None) -> bool:
    return start is not None and started(pid) == start


def identity() -> dict:
    """This process, as the files that outlive it name it."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "start": started(os.getpid())}


def _groups_dir() -> Path:
    folder = get_settings().data_dir / "run" / "tools"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _record_group(pgid: int, tool: str) -> Path:
    path = _groups_dir() / f"{socket.gethostname()}-{pgid}.json"
    path.write_text(json.dumps({"tool": tool, "pgid": pgid, "leader_start": started(pgid), "owner": identity()}))
    return path


def kill_orphans() -> list[str]:
    """End the tool process groups whose starting process on this machine has died; returns
    the tools killed. A group whose leader is gone or was replaced is only forgotten."""
    killed, host = [], socket.gethostname()
    for path in _groups_dir().glob(f"{host}-*.json"):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
            continue
        owner = record["owner"]
        if alive(owner["pid"], owner["start"]):
            continue
        if alive(record["pgid"], record["leader_start"]):
            try:
                os.killpg(record["pgid"], signal.SIGKILL)
                killed.append(record["tool"])
            except ProcessLookupError:
                pass
        path.unlink(missing_ok=True)
    return killed


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


@lru_cache
def version(*argv: str, pattern: str = r"(\d+(?:\.\d+)+)") -> str:
    """The first dotted version number that ``argv`` (e.g. ``gs --version``) prints; cached."""
    done = run(list(argv), tool=argv[0], timeout=60)
    match = re.search(pattern, done.stdout + done.stderr)
    if not match:
        raise ToolFailed(f"cannot read the version of {argv[0]}", tool=argv[0])
    return match.group(1)

"""Run one external program: timeout, process-group kill, typed failures.

Every tool module goes through ``run`` so a hung converter never outlives its limit
(LibreOffice and Ghostscript spawn children; killing only the parent leaves orphans).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
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
    try:
        out, err = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise ToolTimedOut(f"{tool} did not finish within {limit:g} s", tool=tool) from None
    except BaseException:
        _kill_group(proc)
        raise
    if proc.returncode not in ok_returncodes:
        raise ToolFailed(
            f"{tool} exited with status {proc.returncode}: {err.strip()[-_STDERR_TAIL:]}",
            tool=tool, returncode=proc.returncode,
        )
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def _kill_group(proc: subprocess.Popen) -> None:
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

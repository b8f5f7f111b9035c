"""The process's CPU cores, shared by the converters that run at once.

Dossiers and their documents are ingested by threads (``Settings.ingest_workers`` of
them at each level); the work itself happens in child processes (Ghostscript,
LibreOffice, Tesseract). Each converter holds one core of this budget while it runs, so
however many threads are waiting, no more converters run than there are cores, and OCR
takes whatever cores are free for its page-parallel jobs. Where several processes convert
at once (Celery's prefork pool), each gets its share, so together they hold the cores once.
"""
from __future__ import annotations

import contextlib
import os
import threading
from typing import Iterator

from archive.settings import get_settings


def ingest_workers() -> int:
    """How many converters (and dossiers, and documents of a dossier) run at once."""
    return max(1, get_settings().ingest_workers or os.cpu_count() or 1)


class CoreBudget:
    def __init__(self, cores: int):
        self.cores = cores
        self._free = cores
        self._cond = threading.Condition()

    @contextlib.contextmanager
    def hold(self, at_least: int = 1, up_to: int = 1) -> Iterator[int]:
        """Wait for ``at_least`` free cores, take up to ``up_to`` of those free; yields how many."""
        at_least = min(at_least, self.cores)
        with self._cond:
            self._cond.wait_for(lambda: self._free >= at_least)
            taken = max(at_least, min(up_to, self._free))
            self._free -= taken
        try:
            yield taken
        finally:
            with self._cond:
                self._free += taken
                self._cond.notify_all()


_budget: CoreBudget | None = None
_budget_lock = threading.Lock()
_processes = 1      # processes converting side by side on this machine's cores


def share_with(processes: int) -> None:
    """This process is one of ``processes`` that convert side by side (the prefork children
    of a Celery worker, each inheriting this from the parent): it takes only its share."""
    global _processes
    _processes = processes


def share(cores: int, processes: int) -> int:
    """One of ``processes``' equal part of ``cores``, at least one."""
    return max(1, cores // max(1, processes))


def process_cores() -> int:
    """The cores this process's converters hold at most: all of ``ingest_workers``, or its share."""
    return share(ingest_workers(), _processes)


def budget() -> CoreBudget:
    global _budget
    with _budget_lock:
        if _budget is None or _budget.cores != process_cores():
            _budget = CoreBudget(process_cores())
        return _budget

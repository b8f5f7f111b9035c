"""The process's CPU cores, shared by the converters that run at once.

Dossiers and their documents are ingested by threads (``Settings.ingest_workers`` of
them at each level); the work itself happens in child processes (Ghostscript,
LibreOffice, Tesseract). Each converter holds one core of this budget while it runs, so
however many threads are waiting, no more converters run than there are cores, and OCR
takes whatever cores are free for its page-parallel jobs.
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


def budget() -> CoreBudget:
    global _budget
    with _budget_lock:
        if _budget is None or _budget.cores != ingest_workers():
            _budget = CoreBudget(ingest_workers())
        return _budget

"""The dossier validator: every problem of a dossier's fields at once, in one report.

Pure: each field on its own (``schemas.reader``), then the rules that compare fields
(``schemas.rules``) against the auto-fields computed by ``schemas.autofill``. Whatever needs
I/O — the submission's files, their page counts, the code-list files, the clock — is done by
the caller (``ingest.validation``) and handed in.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from schemas import rules
from schemas.autofill import autofill, compute
from schemas.codelists import CodeLists
from schemas.models import Dossier
from schemas.problems import Report
from schemas.reader import read_dossier


def check_dossier(target: Dossier | dict[str, Any], *, codelists: CodeLists, today: date, organ_id: str | None,
                  default_organ_id: str) -> Report:
    """Problems of a dossier given as a model or as raw JSON-like data (no files)."""
    raw = target.model_dump(mode="json", exclude_defaults=True) if isinstance(target, Dossier) else target
    dossier, problems = read_dossier(raw, codelists)
    return finish(Report("dossier", problems), dossier, None, codelists=codelists, today=today,
                  organ_id=organ_id, default_organ_id=default_organ_id)


def finish(report: Report, dossier: Dossier | None, page_counts: list[int | None] | None, *, codelists: CodeLists,
           today: date, organ_id: str | None, default_organ_id: str) -> Report:
    """Add the cross-field rules' problems and the auto-filled dossier to ``report``.

    ``organ_id``: the submitting agency's identifier when known (its account); a given OrganId
    must then agree. Without it, an omitted OrganId is filled from ``default_organ_id``."""
    if dossier is not None:
        computed = compute(dossier, organ_id or default_organ_id, page_counts, check_organ=organ_id is not None)
        report.problems.extend(rules.check(dossier, computed, codelists, today))
        report.dossier = autofill(dossier, computed)
    return report

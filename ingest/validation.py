"""Validating a submission (or a dossier) against Appendix VI: every problem at once, in one report.

Steps, in order: the submission's own problems (manifest missing, unreadable, hostile or
off-schema); each field on its own and the rules comparing fields (``schemas.validator``,
pure); the files the manifest names (safe paths, present, nothing unlisted, page counts
read from the files), done here because it reads the files.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from archive import clock
from archive.errors import LuuTruError
from archive.settings import Settings, get_settings, load_codelists
from ingest.pagecount import count_pages
from ingest.submission import Submission, normalise, unsafe
from schemas.codelists import CodeLists
from schemas.models import Dossier
from schemas.problems import Problem, Report, problem
from schemas.validator import check_dossier, finish


def validate(target: Submission | Dossier | dict[str, Any], *, settings: Settings | None = None,
             today: date | None = None, codelists: CodeLists | None = None, organ_id: str | None = None) -> Report:
    """``organ_id``: the submitting agency's identifier when known (its account); a given OrganId
    must then agree. Without it, an omitted OrganId is filled from ``Settings.organ_id``."""
    settings = settings or get_settings()
    context = {"codelists": codelists or load_codelists(settings), "today": today or clock.today(settings),
               "organ_id": organ_id, "default_organ_id": settings.organ_id}
    if isinstance(target, (Dossier, dict)):
        return check_dossier(target, **context)
    report = Report(str(target.source), list(target.problems))
    if target.raw is None:
        return report
    dossier, problems = target.read(context["codelists"])
    already = {(q.code, q.path) for q in report.problems}      # the XSD may have said it first
    report.problems.extend(p for p in problems if (p.code, p.path) not in already)
    page_counts = None
    if dossier is not None:
        file_problems, page_counts = check_files(dossier, target)
        report.problems.extend(file_problems)
    return finish(report, dossier, page_counts, **context)


def check_files(dossier: Dossier, submission: Submission) -> tuple[list[Problem], list[int | None]]:
    """Problems of the files the manifest names, and the main file's page count per document."""
    problems: list[Problem] = []
    present = set(submission.files)
    named: set[str] = set()
    page_counts: list[int | None] = []
    for i, doc in enumerate(dossier.Documents, 1):
        path = f"Documents/Document[{i}]"
        pages = None
        if doc.main_file is None:
            problems.append(problem("document_without_main_file", path, None, "every document has a main file"))
        for n, f in enumerate(doc.files, 1):
            where = f"{path}/@file" if len(doc.files) == 1 else f"{path}/File[{n}]"
            if unsafe(f.path):
                problems.append(problem("unsafe_path", where, f.path, "paths are relative, inside the submission"))
                continue
            relative = normalise(f.path)
            named.add(relative)
            if relative not in present:
                problems.append(problem("file_missing", where, f.path, "every named file is in the submission"))
            elif f is doc.main_file:
                pages = _page_count(submission, relative, where, problems)
        page_counts.append(pages)
    for relative in sorted(present - named):
        problems.append(problem("file_unlisted", "Documents", relative, "every file is named by a document"))
    return problems, page_counts


def _page_count(submission: Submission, relative: str, where: str, problems: list[Problem]) -> int | None:
    try:
        pages = count_pages(submission.path_of(relative))
    except LuuTruError as exc:
        problems.append(problem("file_unreadable", where, relative, exc.detail))
        return None
    if pages is None:
        problems.append(problem("page_count_unknown", where, relative, "page count known after conversion",
                                severity="warning"))
    return pages

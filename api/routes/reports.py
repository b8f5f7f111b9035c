"""Auditor reports (archive.lifecycle.reports): holdings by retention class, dossiers due for transfer,
expired ones awaiting a decision, destroyed ones, fixity and the audit chain. The auditor and
the administrator see every agency; an agency's staff see their own agency only."""
from __future__ import annotations

import dataclasses
from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.deps import Caller, CallerDep, TodayDep
from archive.lifecycle.reports import Report, build_report
from archive.access import agency_scope

router = APIRouter(tags=["reports"])


class SectionOut(BaseModel):
    key: str
    title: str
    header: list[str]
    rows: list[list[Any]]


class ReportOut(BaseModel):
    agency: str | None
    today: date
    summary: dict[str, int | str]
    sections: list[SectionOut]


def report_scope(caller: Caller, agency: str | None) -> str | None:
    """The agency whose report the caller may read (None: the whole province)."""
    return agency_scope(caller.principal, agency)


async def report_for(caller: Caller, agency: str | None, today: date) -> Report:
    """The report the caller may read, as of the archive's today (LUUTRU_FIXED_TODAY honoured)."""
    return await run_in_threadpool(partial(build_report, report_scope(caller, agency), today=today))


@router.get("/reports", response_model=ReportOut, summary="Báo cáo tình hình lưu trữ (theo cơ quan hoặc toàn tỉnh)")
async def read_report(caller: CallerDep, today: TodayDep,
                      agency: Annotated[str | None, Query(max_length=13)] = None) -> ReportOut:
    return ReportOut.model_validate(dataclasses.asdict(await report_for(caller, agency, today)))

"""``luutru validate PATH…``: check submissions before ingest, report every problem in Vietnamese.

Exit code: 0 every submission valid, 1 one is invalid, 2 one cannot be read at all.
"""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from api.cli.app import app
from archive.errors import UnreadableSubmission
from ingest.submission import open_submission
from schemas.problems import Report
from ingest.validation import validate as validate_submission


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def _print_report(console: Console, report: Report) -> None:
    status = "[bold green]HỢP LỆ[/]" if report.valid else "[bold red]KHÔNG HỢP LỆ[/]"
    code = f" — mã hồ sơ {report.dossier.code}" if report.dossier is not None else ""
    console.print(f"{escape(report.source)}: {status}{escape(code)} ({len(report.errors)} lỗi, "
                  f"{len(report.warnings)} cảnh báo)",
                  highlight=False)
    for p in report.errors + report.warnings:
        level = "[red]LỖI[/]" if p.severity == "error" else "[yellow]CẢNH BÁO[/]"
        console.print(f"  {level} [bold]{p.code}[/] {escape(p.path or '/')}", highlight=False)
        console.print(f"      {p.message_vi}", highlight=False, markup=False)


def _print_unreadable(console: Console, source: str, exc: UnreadableSubmission) -> None:
    console.print(f"{escape(source)}: [bold red]KHÔNG ĐỌC ĐƯỢC[/] {escape(f'[{exc.reason}] {exc.message_vi}')} "
                  f"({escape(exc.detail)})", highlight=False)


@app.command()
def validate(paths: list[Path] = typer.Argument(..., help="Thư mục hoặc tệp ZIP của gói hồ sơ."),
             format: OutputFormat = typer.Option(OutputFormat.text, "--format", help="text | json")) -> None:
    """Kiểm tra gói hồ sơ theo Phụ lục VI Nghị định 30/2020/NĐ-CP và liệt kê mọi lỗi."""
    console = Console(soft_wrap=True)      # long lines are left to the terminal, not cut at 80 columns
    results, exit_code = [], 0
    for path in paths:
        try:
            with open_submission(path) as submission:
                report = validate_submission(submission)
        except UnreadableSubmission as exc:
            exit_code = 2
            results.append({"source": str(path), "valid": False, "codes": [exc.reason], "unreadable": exc.as_dict()})
            if format is OutputFormat.text:
                _print_unreadable(console, str(path), exc)
            continue
        if not report.valid:
            exit_code = max(exit_code, 1)
        results.append(report.to_dict())
        if format is OutputFormat.text:
            _print_report(console, report)
    if format is OutputFormat.json:
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
    raise typer.Exit(exit_code)

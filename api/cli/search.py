"""``luutru search`` and ``luutru reindex``: find records from the command line, rebuild the index."""
from __future__ import annotations

import re
from datetime import date
from enum import Enum
from html import unescape
from typing import Optional

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from api.cli.app import app
from api.cli.credentials import PASSWORD_STDIN, USER, caller
from archive.errors import InvalidSearchQuery
from archive.settings import get_settings
from archive.access import Principal
from search.base import SearchResults, open_index
from search.highlight import POST, PRE
from search.query import SearchQuery

FACET_LABELS = {"agency": "Cơ quan", "type": "Loại văn bản", "year": "Năm", "retention": "Thời hạn bảo quản",
                "rights": "Chế độ sử dụng", "direction": "Chiều văn bản", "kind": "Loại bản ghi"}
ROLE_LABELS = {"researcher": "độc giả", "archivist": "văn thư lưu trữ", "council": "hội đồng xác định giá trị",
               "auditor": "thanh tra (Sở Nội vụ)", "agency_head": "thủ trưởng cơ quan", "admin": "quản trị"}
_MARKS = re.compile(f"({re.escape(PRE)}.*?{re.escape(POST)})")


class Sort(str, Enum):
    relevance = "relevance"
    date = "date"


class Kind(str, Enum):
    document = "document"
    dossier = "dossier"


class Direction(str, Enum):
    incoming = "incoming"
    outgoing = "outgoing"
    internal = "internal"


def snippet_text(snippet: str) -> Text:
    """A highlighted snippet (HTML with <mark>) as terminal text with the matches in bold."""
    text = Text()
    for part in _MARKS.split(snippet):
        if part.startswith(PRE) and part.endswith(POST):
            text.append(unescape(part[len(PRE):-len(POST)]), style="bold yellow")
        elif part:
            text.append(unescape(part))
    return text


def _print_results(console: Console, results: SearchResults, principal: Principal) -> None:
    who = f"{principal.user}, {ROLE_LABELS[principal.role]}" + (f", cơ quan {principal.organ_id}"
                                                                 if principal.organ_id else "")
    console.print(f"[bold]{results.total}[/] kết quả — trang {results.page}/{results.pages} (quyền xem: {who})",
                  highlight=False)
    if not results.hits:
        return
    table = Table(show_lines=True, expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Mã, số ký hiệu, ngày", overflow="fold", max_width=34)
    table.add_column("Tiêu đề và đoạn trích", ratio=1, min_width=30)
    first = (results.page - 1) * results.per_page
    for i, hit in enumerate(results.hits, start=first + 1):
        r = hit.record
        body = Text(r.title or "(không có tiêu đề)", style="bold")
        if hit.snippet:
            body.append("\n").append_text(snippet_text(hit.snippet))
        if not hit.content_visible:
            body.append("\n(chỉ xem siêu dữ liệu: hồ sơ hạn chế)", style="dim")
        kind = r.type_name or ("Hồ sơ" if r.kind == "dossier" else "")
        when = r.sort_date.strftime("%d/%m/%Y") if r.sort_date else ""
        about = "\n".join(p for p in (r.id, " · ".join(p for p in (r.number_notation, kind) if p), when) if p)
        table.add_row(str(i), about, body)
    console.print(table)
    for name, counts in results.facets.items():
        if counts:
            summary = ", ".join(f"{c.value} ({c.count})" for c in counts[:8])
            console.print(f"[bold]{FACET_LABELS[name]}:[/] {escape(summary)}", highlight=False)


def _date(option: str, value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidSearchQuery(f"{option} {value!r} is not a date (YYYY-MM-DD)",
                                 message_vi=f"{option}: ngày không hợp lệ, cần dạng YYYY-MM-DD.") from None


@app.command()
def search(
    text: str = typer.Argument("", help='Từ khóa; "cụm từ" trong ngoặc kép; số ký hiệu như 04/2021/QĐ-UBND.'),
    agency: str = typer.Option(None, "--agency", help="Mã định danh cơ quan (OrganId)."),
    type_name: str = typer.Option(None, "--type", help="Tên loại văn bản, ví dụ: Quyết định."),
    year: int = typer.Option(None, "--year", help="Năm của văn bản hoặc hồ sơ."),
    date_from: str = typer.Option(None, "--from", help="Từ ngày (YYYY-MM-DD)."),
    date_to: str = typer.Option(None, "--to", help="Đến ngày (YYYY-MM-DD)."),
    rights: str = typer.Option(None, "--rights", help="Chế độ sử dụng: Công khai | Hạn chế."),
    retention: str = typer.Option(None, "--retention", help="Thời hạn bảo quản, ví dụ: Vĩnh viễn, 10 năm."),
    direction: Direction = typer.Option(None, "--direction", help="incoming | outgoing | internal"),
    kind: Kind = typer.Option(None, "--kind", help="document (văn bản) | dossier (hồ sơ)"),
    sort: Sort = typer.Option(Sort.relevance, "--sort", help="relevance | date"),
    page: int = typer.Option(1, "--page", min=1),
    per_page: int = typer.Option(10, "--per-page", min=1, max=100),
    user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN,
) -> None:
    """Tìm hồ sơ, văn bản theo từ khóa (có dấu hoặc không dấu) và bộ lọc, với quyền xem của
    người tìm (tài khoản trong LUUTRU_TOKEN hoặc --user), như trên trang tra cứu."""
    try:
        query = SearchQuery(text=text, agency=agency, type_name=type_name, year=year,
                            date_from=_date("--from", date_from), date_to=_date("--to", date_to),
                            rights=rights, retention=retention, direction=direction.value if direction else None,
                            kind=kind.value if kind else None, sort=sort.value, page=page, per_page=per_page)
    except ValidationError as exc:
        raise InvalidSearchQuery("; ".join(e["msg"] for e in exc.errors())) from exc
    except ValueError as exc:
        raise InvalidSearchQuery(str(exc)) from exc
    principal = caller(user, password_stdin)      # role, agency and grants are the account's
    with open_index(get_settings()) as index:
        results = index.search(query, principal)
    _print_results(Console(), results, principal)


@app.command()
def reindex(
    dossier: str = typer.Argument(None, help="Mã hồ sơ cần lập chỉ mục lại."),
    all_: bool = typer.Option(False, "--all", help="Xóa và lập lại toàn bộ chỉ mục."),
) -> None:
    """Lập lại chỉ mục tìm kiếm từ danh mục hồ sơ và các gói lưu trữ."""
    if bool(dossier) == all_:
        raise InvalidSearchQuery("give either a dossier code or --all",
                                 message_vi="Chỉ định một mã hồ sơ hoặc --all.")
    from archive.catalog import init_catalog, session_scope
    from archive.storage import open_store
    from search.reindex import reindex as rebuild
    from search.sources import catalog_sources

    settings = get_settings()
    init_catalog()
    with session_scope() as session, open_index(settings, recreate=all_) as index:
        report = rebuild(index, catalog_sources(session, open_store(), dossier), full=all_)
    typer.echo(f"Đã lập chỉ mục {report.dossiers} hồ sơ ({report.records} bản ghi); "
               f"gỡ khỏi chỉ mục {report.removed} hồ sơ không còn tra cứu được (đã hủy, chưa lưu trữ xong).")

"""``luutru draft PATH… [--format text|json] [--out hoso.xml]``: Appendix VI fields read off the
documents, with a draft manifest for the archivist to complete.

Exit code: 0 every document was read, 2 one could not be read (the others are still drafted).
"""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from api.cli.app import app
from api.cli.validate import OutputFormat
from archive.errors import LuuTruError

REVIEW_BELOW = 0.9          # values under this confidence are marked for the archivist to check
LABELS_VI = {"TypeName": "Tên loại", "CodeNumber": "Số", "CodeNotation": "Ký hiệu", "IssuedDate": "Ngày ban hành",
             "OrganName": "Cơ quan ban hành", "Subject": "Trích yếu", "SignerInfo": "Người ký",
             "PageAmount": "Số trang", "Language": "Ngôn ngữ"}


def _documents(paths: list[Path]) -> list[Path]:
    """Files as given; a folder's documents; an E-ARK SIP's representation data only."""
    from ingest.draft.layout import SUPPORTED
    from ingest.packages import EARK_DATA, is_eark

    out = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
            if is_eark(path):
                inside = [p for p in inside if EARK_DATA.match(p.relative_to(path).as_posix())]
            out += inside
        else:
            out.append(path)
    return out


def _manifest_base(out: Path) -> Path:
    """What the manifest's file paths are relative to: its folder, or the SIP's root when it is
    written as an E-ARK SIP's descriptive metadata."""
    from ingest.packages import EARK_DESCRIPTIVE, is_eark

    folder = out.resolve().parent
    sip = folder.parent.parent
    if folder.as_posix().endswith("/" + EARK_DESCRIPTIVE) and is_eark(sip):
        return sip
    return folder


def _print_document(console: Console, doc: dict) -> None:
    console.print(f"[bold]{escape(doc['file'])}[/]", highlight=False)
    if doc.get("legacy_encoding"):
        console.print(f"  [yellow]văn bản gõ bằng bảng mã {doc['legacy_encoding']}, đã chuyển sang Unicode[/]")
    for name, proposal in doc["fields"].items():
        value = proposal["value"]
        if isinstance(value, dict):
            value = ", ".join(v for v in value.values() if v)
        mark = "[green]✓[/]" if proposal["confidence"] >= REVIEW_BELOW else "[yellow]? cần kiểm tra[/]"
        shown = "—" if value in (None, "") else escape(str(value))
        console.print(f"  {LABELS_VI.get(name, name)}: {shown} ({proposal['confidence']:.2f}) {mark}",
                      highlight=False)


@app.command()
def draft(paths: list[Path] = typer.Argument(..., help="Tệp văn bản (PDF, DOCX, ODT, ảnh quét) hoặc thư mục."),
          format: OutputFormat = typer.Option(OutputFormat.text, "--format", help="text | json"),
          out: Path | None = typer.Option(None, "--out", help="Ghi tệp kê khai dự thảo (hoso.xml hoặc hoso.json).")
          ) -> None:
    """Đọc các trường Phụ lục VI từ chính văn bản và lập dự thảo tệp kê khai hồ sơ."""
    from ingest.draft import draft_document, draft_manifest
    from archive.settings import load_codelists
    from schemas.writer import to_json, to_xml

    console = Console(soft_wrap=True, stderr=format is OutputFormat.json)
    lists, drafts, failures = load_codelists(), [], []
    files = _documents(paths)
    for index, path in enumerate(files, 1):
        console.print(f"[dim]({index}/{len(files)}) đang đọc {escape(str(path))}[/]", highlight=False)
        try:
            drafts.append(draft_document(path, lists))
        except (LuuTruError, OSError) as exc:
            error = exc.as_dict() if isinstance(exc, LuuTruError) else {"code": "file_unreadable", "detail": str(exc)}
            failures.append({"file": path.name, "error": error})
            console.print(f"[red]{escape(path.name)}: không đọc được [{error['code']}][/] {escape(error['detail'])}",
                          highlight=False)
    manifest = draft_manifest(drafts, _manifest_base(out) if out else None)
    if out is not None:
        out.write_bytes(to_json(manifest) if out.suffix.lower() == ".json" else to_xml(manifest))
    result = {"documents": [d.as_dict() for d in drafts], "manifest": json.loads(to_json(manifest))}
    if failures:
        result["failures"] = failures
    if format is OutputFormat.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for doc in result["documents"]:
            _print_document(console, doc)
        if out is not None:
            console.print(f"Đã ghi dự thảo tệp kê khai: {escape(str(out))} — cần điền tiêu đề hồ sơ, số và ký hiệu hồ "
                          "sơ, thời hạn bảo quản, chế độ sử dụng, người lập hồ sơ.", highlight=False)
    raise typer.Exit(2 if failures else 0)

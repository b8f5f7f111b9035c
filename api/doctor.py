"""``luutru doctor``: the configuration checked end to end, each finding in Vietnamese with a
stable English code. Nothing is changed, except that opening an S3 store creates its bucket
(the archive's with Object Lock, staging's without) when it is missing, as every command does,
and that a probe object is written to the staging store and deleted again."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from archive.settings import Settings, get_settings


@dataclass
class Finding:
    code: str            # "ok" or a stable English code of what is wrong
    what: str            # the component, in Vietnamese
    detail: str          # what was found, or what is wrong and what to do, in Vietnamese

    @property
    def ok(self) -> bool:
        return self.code == "ok"


def _database(settings: Settings) -> Finding:
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from archive.catalog.db import MIGRATIONS, get_engine
    what = "Cơ sở dữ liệu"
    try:
        with get_engine(settings.database_url).connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as exc:
        return Finding("database_unreachable", what, f"không kết nối được ({type(exc).__name__}: {exc}).")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    expected = set(ScriptDirectory.from_config(config).get_heads())
    if current != expected:
        return Finding("database_not_migrated", what, f"lược đồ chưa cập nhật (đang ở {sorted(current) or 'trống'}, "
                       f"cần {sorted(expected)}): khởi động lại luutru serve, lược đồ được nâng cấp khi khởi động.")
    return Finding("ok", what, f"kết nối được, lược đồ mới nhất ({', '.join(sorted(expected))}).")


def _storage(settings: Settings) -> Finding:
    from archive.storage import open_store, public_url
    what = "Kho lưu trữ"
    try:
        store = open_store()
    except Exception as exc:
        return Finding("storage_unreachable", what, f"không mở được kho ({type(exc).__name__}: {exc}).")
    where = public_url(store.url)
    if not getattr(store, "supports_object_lock", False):
        if (settings.storage_url or "").startswith("s3"):
            return Finding("object_lock_missing", what, f"bucket {where} không bật Object Lock: tài liệu có thể bị "
                           "xóa trước hạn. Tạo bucket mới có Object Lock (chỉ bật được khi tạo) và chuyển dữ liệu sang.")
        return Finding("ok", what, f"{where} (thư mục trên đĩa, không có Object Lock: dùng S3 cho môi trường thật).")
    return Finding("ok", what, f"{where}, Object Lock đang bật.")


def _staging(settings: Settings) -> Finding:
    """Where Celery jobs are staged: reachable, writable, and deletable (no Object Lock)."""
    import io
    import uuid

    from archive.storage import open_store, public_url
    from ingest import staging
    what = "Kho tạm (hồ sơ đang xử lý)"
    if not staging.enabled(settings):
        return Finding("ok", what, "không dùng: không cấu hình hàng đợi, hồ sơ được xử lý ngay trên máy này.")
    where = public_url(settings.staging_store_url)
    if where == public_url(settings.store_url):
        return Finding("staging_is_archive_store", what, f"{where} trùng với kho lưu trữ: đặt LUUTRU_STAGING_URL "
                       "là một bucket (hoặc thư mục) riêng, không bật Object Lock.")
    try:
        store = open_store(settings.staging_store_url, object_lock=False)
    except Exception as exc:
        return Finding("staging_unreachable", what, f"không mở được {where} ({type(exc).__name__}: {exc}).")
    if store.supports_object_lock:
        return Finding("staging_object_lock", what, f"bucket {where} bật Object Lock: hồ sơ tạm không xóa được sau "
                       "khi lưu trữ. Dùng một bucket không bật Object Lock cho LUUTRU_STAGING_URL.")
    probe, body = f"doctor/{uuid.uuid4().hex}", b"luutru doctor"
    try:
        store.put_file(probe, io.BytesIO(body), hashlib.sha256(body).hexdigest())
    except Exception as exc:
        return Finding("staging_not_writable", what, f"không ghi được vào {where} ({type(exc).__name__}: {exc}): "
                       "kiểm tra quyền ghi của khóa truy cập.")
    try:
        store.delete(probe)
        gone = not store.exists(probe)
    except Exception as exc:
        gone, why = False, f" ({type(exc).__name__}: {exc})"
    else:
        why = ""
    if not gone:
        return Finding("staging_not_deletable", what, f"không xóa được đối tượng thử trong {where}{why}: hồ sơ tạm "
                       "sẽ tích tụ. Cho phép xóa (không bật Object Lock, cấp quyền DeleteObject).")
    return Finding("ok", what, f"{where}: đọc, ghi và xóa được, không có Object Lock.")


def _search(settings: Settings) -> Finding:
    from search.base import open_index
    what = "Chỉ mục tìm kiếm"
    try:
        index = open_index(settings)
    except Exception as exc:
        return Finding("search_unavailable", what, f"không mở được chỉ mục ({exc}): chạy luutru reindex --all.")
    with index:
        if settings.search_backend.strip().lower() != "elasticsearch":
            return Finding("ok", what, "chỉ mục nhúng, đúng cấu trúc hiện tại.")
        from search.backends.elasticsearch import mapping
        try:
            live = index.client.indices.get_mapping(index=index.index_name)
        except Exception as exc:
            return Finding("search_unavailable", what, f"Elasticsearch không trả lời ({exc}).")
        wanted = mapping()["mappings"]["properties"]
        stale = sorted(name for body in live.values() for name, field in wanted.items()
                       if body["mappings"].get("properties", {}).get(name) != field)
        if stale:
            return Finding("index_mapping_outdated", what, f"ánh xạ của {index.index_name} đã cũ (trường "
                           f"{', '.join(stale)}): chạy luutru reindex --all để dựng chỉ mục mới.")
        return Finding("ok", what, f"Elasticsearch, chỉ mục {index.index_name} đúng ánh xạ hiện tại.")


def _workers(settings: Settings) -> Finding:
    what = "Hàng đợi và tiến trình xử lý"
    if not settings.broker_url:
        return Finding("ok", what, "không cấu hình hàng đợi: các bước chạy ngay trong tiến trình.")
    from api.worker import app
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        return Finding("broker_unreachable", what, f"không kết nối được hàng đợi {settings.broker_url} ({exc}).")
    replies = app.control.inspect(timeout=3).ping() or {}
    if not replies:
        return Finding("no_workers", what, "hàng đợi hoạt động nhưng không có tiến trình xử lý (worker) nào trả lời: "
                       "hồ sơ nộp lên sẽ không được xử lý. Khởi động celery worker.")
    return Finding("ok", what, f"hàng đợi hoạt động, {len(replies)} tiến trình xử lý trả lời.")


def _tool(what: str, code: str, version: Callable[[], str], hint: str) -> Callable[[Settings], Finding]:
    def check(_: Settings) -> Finding:
        try:
            return Finding("ok", what, f"phiên bản {version()}.")
        except Exception as exc:
            return Finding(code, what, f"không chạy được ({exc}): {hint}")
    return check


def _tesseract_vie(settings: Settings) -> Finding:
    what = "Tesseract (tiếng Việt)"
    from archive import process as _process
    from ingest.draft import tesseract
    try:
        languages = _process.run(["tesseract", "--list-langs"], tool="tesseract", timeout=60).stdout.split()
        tesseract_version = tesseract.version()
    except Exception as exc:
        return Finding("tesseract_missing", what, f"không chạy được ({exc}): apt-get install tesseract-ocr "
                       "tesseract-ocr-vie.")
    missing = [lang for lang in settings.ocr_languages.split("+") if lang not in languages]
    if missing:
        return Finding("ocr_language_missing", what, f"thiếu dữ liệu ngôn ngữ {', '.join(missing)}: "
                       f"apt-get install {' '.join('tesseract-ocr-' + m for m in missing)}.")
    return Finding("ok", what, f"phiên bản {tesseract_version}, ngôn ngữ {settings.ocr_languages}.")


def _checks() -> list[Callable[[Settings], Finding]]:
    from ingest.tools import ghostscript, libreoffice, verapdf
    return [
        _database, _storage, _staging, _search, _workers,
        _tool("veraPDF", "verapdf_missing", lambda: verapdf.version(),
              "chạy bash scripts/verapdf/install.sh hoặc đặt LUUTRU_VERAPDF_PATH."),
        _tool("Ghostscript", "ghostscript_missing", ghostscript.version, "apt-get install ghostscript."),
        _tesseract_vie,
        _tool("LibreOffice", "libreoffice_missing", libreoffice.version,
              "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui."),
    ]


def diagnose(settings: Settings | None = None) -> Iterator[Finding]:
    """Each check's finding, in order; a check that fails unexpectedly is a finding too."""
    settings = settings or get_settings()
    for check in _checks():
        try:
            yield check(settings)
        except Exception as exc:   # the doctor reports, it does not stop at the first surprise
            yield Finding("check_failed", check.__name__.strip("_"), f"lỗi khi kiểm tra: {type(exc).__name__}: {exc}")

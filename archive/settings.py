"""All configuration, read from ``LUUTRU_*`` environment variables (once per distinct set of them).

Every default is an embedded one that needs no server: SQLite catalog, filesystem object
store, embedded search index, pipeline steps run in-process.
"""
from __future__ import annotations

import os
import shutil
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas import codelists
from schemas.codelists import CodeLists


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LUUTRU_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("var"), description="Where embedded backends keep their data.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite in data_dir.")
    storage_url: str | None = Field(None, description="file:///path or s3://key:secret@host:port/bucket")
    replica_storage_url: str | None = Field(None, description="Second store used to repair fixity failures.")
    staging_url: str | None = Field(None, description="Where Celery jobs stage submissions and artefacts (a store "
                                    "WITHOUT Object Lock); default: the store's bucket + '-staging', or folder "
                                    "data_dir/staging beside the filesystem store.")
    search_backend: str = Field("embedded", description="embedded | elasticsearch")
    elasticsearch_url: str | None = None
    elasticsearch_index: str = Field("luutru-records", description="Alias the Elasticsearch backend reads and writes.")
    elasticsearch_username: str | None = Field(None, description="Basic-auth user of a node with security on "
                                               "(e.g. elastic); with elasticsearch_password.")
    elasticsearch_password: str | None = Field(None, description="Its password (or put user:password in the URL).")
    elasticsearch_api_key: str | None = Field(None, description="An Elasticsearch API key (base64 id:key), "
                                              "instead of a user and password.")
    elasticsearch_compatible_with: int | None = Field(
        None, description="Set to 8 when the elasticsearch client is 9.x and the server 8.x.")
    broker_url: str | None = Field(None, description="Celery broker; unset runs steps in-process.")
    verapdf_home: Path = Field(Path.home() / ".cache" / "luutru" / "verapdf",
                               description="Where scripts/verapdf/install.sh puts veraPDF and its launcher.")
    verapdf_path: str | None = Field(None, description="veraPDF executable; default: the installed launcher when "
                                     "Java is present; empty: the fallback checker.")
    pdfa_level: str = Field("2b", description="PDF/A conformance level of preservation copies.")
    # Preservation actions (ingest/tools): every external program runs under this limit.
    tool_timeout_seconds: int = Field(600, description="Kill an external tool (Ghostscript, LibreOffice, OCR) after this.")
    ocr_languages: str = Field("vie", description="Tesseract languages for OCR of scans, e.g. 'vie' or 'vie+eng'.")
    # OCRmyPDF's defaults unless set: rotation costs 1.5-2.5 s a page, so "auto"
    # runs it again only for a scan whose first reading is noise (a page upside down or sideways).
    ocr_rotate_pages: str = Field("auto", description="auto | always | never: OCRmyPDF --rotate-pages.")
    # "after": a dossier is archived and searchable (metadata, born-digital text) without
    # waiting for OCR; its scans' OCR'd copies become the package's next version.
    ocr_mode: Literal["inline", "after"] = Field("inline", description="inline | after: OCR of scans before "
                                                 "archiving, or as a follow-up step adding a package version.")
    ingest_workers: int | None = Field(None, description="Dossiers, documents of a dossier and converters run at once, "
                                       "in the CLI, `luutru serve` and each Celery worker; default one per CPU core.")
    trust_roots_dir: Path | None = Field(None, description="Folder of PEM/DER root certificates trusted for PDF signatures.")
    organ_id: str = Field("000.00.00.H41", description="OrganId of the agency this instance archives for.")
    timezone: str = "Asia/Ho_Chi_Minh"
    fixed_today: date | None = Field(None, description="Test and training instances only: the date the API takes "
                                     "as today for retention and destruction (default: the real date in `timezone`).")
    codelists_dir: Path | None = Field(None, description="Folder of code-list CSV files replacing the defaults of the same name.")

    # Submission limits: a ZIP or folder beyond these is refused before anything is written.
    max_submission_bytes: int = 20 * 1024**3
    max_zip_entries: int = 10_000
    max_zip_ratio: int = 200
    max_manifest_bytes: int = 20 * 1024**2

    fixity_daily_budget_bytes: int = 500 * 1024**3
    fixity_interval_days: int = Field(365, description="An object is due for a fixity check this long after its last one.")
    fixity_workers: int | None = Field(None, description="Parallel fixity hashers; default one per CPU core.")
    permanent_lock_years: int = Field(100, description="Governance-mode Object Lock horizon for permanent dossiers.")
    smtp_url: str | None = Field(None, description="smtp://[user:password@]host:port (smtps:// for TLS); unset: in-app notices only.")
    smtp_sender: str = Field("luutru@localhost", description="From address of the archive's e-mail notices.")

    # Lifecycle policy (lifecycle.md); every period is a policy value the province may change.
    transfer_deadline_years: int = Field(10, description="Permanent dossiers are due for transfer by the end of EndYear + this.")
    transfer_notice_days: int = Field(30, description="Agencies are notified this many days before a transfer falls due.")
    destruction_record_years: int = Field(20, description="Destruction certificates are locked and kept at least this long.")

    # Web and API (api/): sessions are signed cookies; the key is generated into data_dir when unset.
    session_secret: str | None = Field(None, description="Key signing session cookies; default: data_dir/session.key.")
    session_max_age_seconds: int = Field(8 * 3600, description="A web session ends this long after login.")
    cookie_secure: bool = Field(True, description="Send session cookies over HTTPS only (false for plain-HTTP tests).")
    login_max_failures: int = Field(5, description="Failed logins of one user name before logins are refused for a while.")
    login_lockout_minutes: int = Field(15, description="How long those failures count.")
    failed_job_days: int = Field(30, description="A failed ingest job keeps its work folder this long (for a retry).")
    staging_orphan_minutes: int = Field(6 * 60, description="A staging area of no job in the catalog (a submission "
                                        "whose upload to staging was cut off) idle this long is removed.")
    token_lifetime_days: int = Field(365, description="An API token stops working this long after it is issued.")

    # Audit trail (archive/audit.py): entries are chained with an HMAC under a key kept outside
    # the database; checkpoints of the chain go to the object store, write-once.
    audit_key: str | None = Field(None, description="HMAC key of the audit chain; default: data_dir/audit.key "
                                  "(created 0600 on first use). Never stored in the catalog.")
    audit_key_file: Path | None = Field(None, description="File holding the audit key (default data_dir/audit.key).")
    audit_checkpoint_years: int = Field(20, description="Checkpoints of the audit chain are locked this long.")

    # Transfer to the historical archive (archive/lifecycle/transfer): the receiving archive signs its
    # acknowledgement with its key; the sending agency verifies it with that archive's certificate.
    archive_name: str = Field("LuuTru", description="Name of this archive as its acknowledgements state it.")
    transfer_signing_key: Path | None = Field(None, description="PEM private key signing transfer acknowledgements.")
    transfer_signing_certificate: Path | None = Field(None, description="PEM X.509 certificate of that key.")
    transfer_receiver_certificate: Path | None = Field(
        None, description="PEM X.509 certificate of the historical archive whose acknowledgements are accepted.")

    def model_post_init(self, __context) -> None:
        # Unset (not empty): the launcher scripts/setup.sh installed, if Java can run it.
        launcher = self.verapdf_home / "verapdf"
        if self.verapdf_path is None and launcher.is_file() and shutil.which("java"):
            self.verapdf_path = str(launcher)

    @property
    def catalog_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'catalog.db').resolve()}"

    @property
    def store_url(self) -> str:
        return self.storage_url or f"file://{(self.data_dir / 'store').resolve()}"

    @property
    def staging_store_url(self) -> str:
        """``staging_url``, else derived from the store: bucket ``B`` → ``B-staging`` (same server
        and credentials), folder ``…/store`` → ``…/staging``, any other folder ``F`` → ``F-staging``."""
        if self.staging_url:
            return self.staging_url
        parts = urlsplit(self.store_url)
        if parts.scheme == "file":
            root = Path(unquote(parts.path))
            return f"file://{root.with_name('staging' if root.name == 'store' else root.name + '-staging')}"
        bucket, _, prefix = parts.path.strip("/").partition("/")
        return urlunsplit((parts.scheme, parts.netloc, f"/{bucket}-staging" + (f"/{prefix}" if prefix else ""), "", ""))


def get_settings() -> Settings:
    """The settings of the current ``LUUTRU_*`` environment, read once per distinct environment:
    a variable changed since (a test's monkeypatch, a script's ``os.environ``) gives fresh
    settings on the next call, with nothing to clear."""
    return _settings_of(tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith("LUUTRU_"))))


@lru_cache(maxsize=8)
def _settings_of(environment: tuple[tuple[str, str], ...]) -> Settings:
    """``environment`` is only the cache key: Settings() reads the same variables itself."""
    return Settings()


def load_codelists(settings: Settings | None = None) -> CodeLists:
    """This instance's code lists: the defaults, with the files of ``codelists_dir`` replacing theirs."""
    return codelists.load((settings or get_settings()).codelists_dir)

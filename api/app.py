"""The web application: REST API under /api/v1 (OpenAPI at /api/v1/openapi.json), Vietnamese
web pages, static files. ``create_app()`` reads the settings; ``luutru serve`` runs it."""
from __future__ import annotations

import os
import secrets
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from api import problems
from api.jobs import JobRunner, ingest_runner
from api.routes import (access_pages, agency_pages, api_router, audit_pages, destruction_pages, draft_page, job_pages,
                        pages, report_pages, retention_pages, transfer_pages, user_pages)
from api.web import LoginRequired, error_page, login_redirect
from archive.catalog.db import init_catalog
from archive.settings import Settings, get_settings
from ingest import pipeline, recovery
from ingest.normalise import start_pdfa_validator
from ingest.tools import verapdf
from ingest.tools.cores import ingest_workers

HERE = Path(__file__).parent
SESSION_COOKIE = "luutru_session"
# Pages load only their own scripts and styles (inline style attributes draw the charts) and
# may be framed only by the archive itself (the PDF viewer of the dossier page).
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "object-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
}


DOCS_ASSETS = "/api/v1/docs/assets"
# Swagger UI draws its icons from data: URIs; nothing else on the page is inline script.
DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'"


def swagger_ui_files() -> Path:
    """Swagger UI's files as the fastapi-offline package ships them (a version that reads OpenAPI 3.1)."""
    import fastapi_offline
    return Path(fastapi_offline.__file__).with_name("static")


def api_docs() -> HTMLResponse:
    """The interactive API documentation, Swagger UI served from the fastapi-offline package
    (an archive often runs without internet), started by a script of ours, not inline."""
    return HTMLResponse(f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>LuuTru — API</title>
<link rel="stylesheet" href="{DOCS_ASSETS}/swagger-ui.css"><link rel="icon" href="/static/favicon.svg"></head>
<body><div id="swagger-ui" data-openapi="/api/v1/openapi.json"></div>
<script src="{DOCS_ASSETS}/swagger-ui-bundle.js"></script><script src="/static/api-docs.js"></script></body></html>""",
                        headers={"Content-Security-Policy": DOCS_CSP})


async def security_headers(request, call_next):
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    # Answers depend on who asks (restricted records, the trail): no shared or browser cache
    # may keep one for the next person at that computer or behind that proxy.
    if not request.url.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store, private")
    return response


def session_secret(settings: Settings) -> str:
    """The configured key, or one generated once into data_dir (readable by the owner only)."""
    if settings.session_secret:
        return settings.session_secret
    path = settings.data_dir / "session.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@asynccontextmanager
async def lifespan(app: FastAPI):
    init_catalog()
    app.state.jobs = JobRunner(ingest_workers())
    # A server killed half-way left jobs running, uploads half-received, tools running on:
    # resume the jobs here (or let the workers' broker deliver them again), remove the rest.
    recovery.recover(resume=None if get_settings().broker_url else app.state.jobs.start)
    validates = app.state.warm_pdfa_validator and ingest_runner() is pipeline.in_process  # else the workers do
    starting = start_pdfa_validator() if validates else None   # the first upload's check finds veraPDF warm
    try:
        yield
    finally:
        app.state.jobs.shutdown()
        if starting:                    # uvicorn ends on the signal it caught, after this: no atexit
            starting.join()
            verapdf.close_all()


def create_app(settings: Settings | None = None, *, warm_pdfa_validator: bool = False) -> FastAPI:
    """The API and pages; ``warm_pdfa_validator`` (``luutru serve``): veraPDF is started with
    the app, ahead of the first upload, and closed with it."""
    settings = settings or get_settings()
    app = FastAPI(title="LuuTru", summary="Lưu trữ hồ sơ điện tử — API", version="1",
                  openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.warm_pdfa_validator = warm_pdfa_validator
    app.add_middleware(SessionMiddleware, secret_key=session_secret(settings), session_cookie=SESSION_COOKIE,
                       max_age=settings.session_max_age_seconds, same_site="lax", https_only=settings.cookie_secure)
    app.middleware("http")(security_headers)
    problems.install(app, html_error=error_page)
    app.add_exception_handler(LoginRequired, lambda request, exc: login_redirect(request))
    app.include_router(api_router, prefix="/api/v1")
    app.include_router(pages.router)
    for module in (destruction_pages, draft_page, job_pages, audit_pages, user_pages, agency_pages, retention_pages,
                   transfer_pages, report_pages, access_pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_files()), name="swagger-ui")
    app.add_api_route("/api/v1/docs", api_docs, include_in_schema=False)
    return app

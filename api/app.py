"""The web application: REST API under /api/v1 (OpenAPI at /api/v1/openapi.json), Vietnamese
web pages, static files. ``create_app()`` reads the settings; ``luutru serve`` runs it."""
from __future__ import annotations

import os
import secrets
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from api import problems
from api.jobs import JobRunner
from api.routes import (api_router, audit_pages, destruction_pages, job_pages, pages, report_pages,
                        retention_pages, transfer_pages)
from api.web import LoginRequired, error_page, login_redirect
from archive.catalog.db import init_catalog
from archive.settings import Settings, get_settings

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


async def security_headers(request, call_next):
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
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
    app.state.jobs = JobRunner(get_settings().submission_workers)
    try:
        yield
    finally:
        app.state.jobs.shutdown()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="LuuTru", summary="Lưu trữ hồ sơ điện tử — API", version="1",
                  openapi_url="/api/v1/openapi.json", docs_url="/api/v1/docs", redoc_url=None, lifespan=lifespan)
    app.add_middleware(SessionMiddleware, secret_key=session_secret(settings), session_cookie=SESSION_COOKIE,
                       max_age=settings.session_max_age_seconds, same_site="lax", https_only=settings.cookie_secure)
    app.middleware("http")(security_headers)
    problems.install(app, html_error=error_page)
    app.add_exception_handler(LoginRequired, lambda request, exc: login_redirect(request))
    app.include_router(api_router, prefix="/api/v1")
    app.include_router(pages.router)
    for module in (destruction_pages, job_pages, audit_pages, retention_pages, transfer_pages, report_pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app

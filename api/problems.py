"""Errors as RFC 9457 problem details (application/problem+json): the stable English ``code``
and the Vietnamese message of archive.errors, the same causes the CLI reports."""
from __future__ import annotations

import logging
from typing import Callable

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from archive import audit
from archive.errors import (AUDITED_REFUSALS, InvalidDossier, InvalidRequest, LuuTruError, NotFound,
                            storage_full_or)

API_PREFIX = "/api/"

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:luutru:problem:"
# Statuses Starlette raises itself (unknown route, wrong method) mapped to stable codes.
HTTP_CODES = {404: ("not_found", NotFound.message_vi), 405: ("method_not_allowed", "Phương thức không được hỗ trợ."),
              400: ("bad_request", "Yêu cầu không hợp lệ.")}


def problem(status: int, code: str, message_vi: str, detail: str, instance: str, headers: dict | None = None,
            **extra) -> JSONResponse:
    body = {"type": TYPE_BASE + code, "title": message_vi, "status": status, "detail": detail,
            "instance": instance, "code": code, "message_vi": message_vi, **jsonable_encoder(extra)}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def from_error(request: Request, exc: LuuTruError) -> JSONResponse:
    extra = dict(exc.context)
    if isinstance(exc, InvalidDossier):
        extra["report"] = exc.report.to_dict()
    headers = extra.pop("headers", None)
    if exc.http_status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": 'Bearer realm="luutru"'}
    return problem(exc.http_status, exc.code, exc.message_vi, exc.detail, request.url.path, headers, **extra)


def install(app: FastAPI, html_error: Callable[[Request, LuuTruError], Response] | None = None) -> None:
    """Problem details for the API; ``html_error`` renders the same errors for web pages."""
    def respond(request: Request, exc: LuuTruError) -> Response:
        if html_error is not None and not request.url.path.startswith(API_PREFIX):
            return html_error(request, exc)
        return from_error(request, exc)

    @app.exception_handler(LuuTruError)
    async def _luutru(request: Request, exc: LuuTruError):
        if exc.http_status >= 500:
            log.error("%s %s: %s", request.method, request.url.path, exc)
        if isinstance(exc, AUDITED_REFUSALS) and not getattr(exc, "audited", False):   # its transaction is over
            await run_in_threadpool(
                audit.record_refusal, exc, actor=getattr(request.state, "actor", None),
                via="api" if request.url.path.startswith(API_PREFIX) else "web",
                attempted=f"{request.method} {request.url.path}")
        return respond(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                  for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return respond(request, InvalidRequest(detail, errors=errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code, message_vi = HTTP_CODES.get(exc.status_code, ("http_error", "Yêu cầu không thực hiện được."))
        return problem(exc.status_code, code, message_vi, str(exc.detail), request.url.path, exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        full = storage_full_or(exc)
        if full is not exc:                     # a full disk is a known cause with its code
            log.error("%s %s: %s", request.method, request.url.path, full)
            return respond(request, full)
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        err = LuuTruError(f"{type(exc).__name__}")
        return from_error(request, err)

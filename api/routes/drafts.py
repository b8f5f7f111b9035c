"""Drafting a dossier from its documents (/api/v1/drafts): upload documents one by one and get
the Appendix VI fields read off each, check the corrected manifest with the validator, then
submit it as an ordinary submission (an ingest job). Archivists of the owning agency only."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path as PathParam, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api import drafts, jobs
from api.deps import Caller, SettingsDep, require_role
from api.schemas import JobAccepted
from api.upload import receive_file
from archive import audit
from archive.errors import InvalidDossier
from ingest.submission import open_submission
from ingest.validation import validate

router = APIRouter(tags=["drafts"])
ArchivistDep = Annotated[Caller, Depends(require_role("archivist"))]
DraftId = Annotated[str, PathParam(max_length=64, pattern="^[0-9a-f]+$")]
DOCUMENT_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "Một văn bản (PDF, DOCX, ODT, ảnh quét)."}}}}}}}


@router.post("/drafts", status_code=201, summary="Mở một hồ sơ dự thảo (lập từ các văn bản)")
def create_draft(caller: ArchivistDep, settings: SettingsDep) -> dict[str, str]:
    return {"draft_id": drafts.create(settings, organ_id=caller.user.organ_id, actor=caller.name)}


@router.get("/drafts/{draft_id}", summary="Các trường đọc được và tệp kê khai dự thảo")
def get_draft(draft_id: DraftId, caller: ArchivistDep, settings: SettingsDep) -> dict[str, Any]:
    return drafts.state(drafts.folder_of(settings, draft_id, caller.user.organ_id))


@router.post("/drafts/{draft_id}/documents", openapi_extra=DOCUMENT_BODY,
             summary="Thêm một văn bản; trả về các trường đọc được, độ tin cậy và vị trí")
async def add_document(request: Request, draft_id: DraftId, caller: ArchivistDep, settings: SettingsDep,
                       name: Annotated[str, Query(max_length=200)]) -> dict[str, Any]:
    folder = drafts.folder_of(settings, draft_id, caller.user.organ_id)
    filename = drafts.safe_name(name)
    upload = await receive_file(request, jobs.upload_path(settings), settings.max_submission_bytes)
    return await run_in_threadpool(drafts.add_document, folder, upload, filename)


@router.get("/drafts/{draft_id}/documents/{name}/region", response_class=Response,
            responses={200: {"content": {"image/png": {}}}}, summary="Vùng trang nơi một trường được đọc (ảnh PNG)")
def document_region(draft_id: DraftId, name: Annotated[str, PathParam(max_length=200)], caller: ArchivistDep,
                    settings: SettingsDep, page: Annotated[int, Query(ge=1, le=10_000)] = 1,
                    box: Annotated[str, Query(max_length=100, pattern=r"^[0-9.]+(,[0-9.]+){3}$")] = "0,0,1,1"
                    ) -> Response:
    folder = drafts.folder_of(settings, draft_id, caller.user.organ_id)
    x0, y0, x1, y1 = (float(v) for v in box.split(","))
    png = drafts.region_png(folder, name, page, (x0, y0, x1, y1))
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store, private"})


def _report(folder, manifest: dict, organ_id: str | None) -> dict[str, Any]:
    drafts.save_manifest(folder, manifest)
    with open_submission(drafts.submission_dir(folder)) as submission:
        report = validate(submission, organ_id=organ_id)
    report.source = "hoso.json"
    return report


@router.post("/drafts/{draft_id}/validate", summary="Kiểm tra tệp kê khai đã sửa theo Phụ lục VI (không nộp)")
def validate_draft(draft_id: DraftId, caller: ArchivistDep, settings: SettingsDep,
                   manifest: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    folder = drafts.folder_of(settings, draft_id, caller.user.organ_id)
    return _report(folder, manifest, caller.user.organ_id).to_dict()


@router.post("/drafts/{draft_id}/submit", response_model=JobAccepted, status_code=202,
             summary="Nộp hồ sơ dự thảo đã hoàn chỉnh để lưu trữ")
def submit_draft(request: Request, draft_id: DraftId, caller: ArchivistDep, settings: SettingsDep,
                 manifest: Annotated[dict[str, Any], Body()]) -> JobAccepted:
    folder = drafts.folder_of(settings, draft_id, caller.user.organ_id)
    report = _report(folder, manifest, caller.user.organ_id)
    if not report.valid:
        raise InvalidDossier(report)
    upload = drafts.zip_for_submission(folder, jobs.upload_path(settings))
    job = jobs.create_job(upload, organ_id=caller.user.organ_id, actor=caller.name)
    audit.record("submit", actor=caller.name, agency=caller.user.organ_id, object=f"job:{job.id}",
                 detail={"draft": draft_id})
    drafts.discard(folder)
    request.app.state.jobs.start(job.id)
    return JobAccepted(job_id=job.id, status_url=str(request.url_for("job_status", job_id=job.id).path))

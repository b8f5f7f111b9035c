"""The context every ingest step receives: one job, one dossier, one work folder.

Each step reads what earlier steps wrote into the job's work folder and writes its own
result there atomically, as JSON named after the step. A step is therefore safe to re-run:
it overwrites only its own result, and the pipeline resumes from the first step whose
result is not marked done in the catalog. Where Celery workers run the steps, the folder is
a local cache of the job's staging area in the object store (ingest.staging): any worker on
any host takes any step, and the API reads the results from there.
"""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from archive import clock
from archive.settings import Settings, get_settings
from ingest import staging
from schemas.models import Dossier


def now(settings: Settings | None = None) -> datetime:
    return clock.now(settings).replace(microsecond=0)


@dataclass(frozen=True)
class IngestJob:
    id: str
    workdir: Path

    @classmethod
    def new(cls, settings: Settings | None = None) -> IngestJob:
        return cls.load(uuid.uuid4().hex, settings)

    @classmethod
    def load(cls, job_id: str, settings: Settings | None = None) -> IngestJob:
        settings = settings or get_settings()
        return cls(job_id, (settings.data_dir / "jobs" / job_id).resolve())

    @property
    def submission_dir(self) -> Path:
        """The received submission, unpacked: the manifest and its files."""
        return self.workdir / "submission"

    def result_path(self, step: str) -> Path:
        return self.workdir / f"{step}.json"

    def save(self, step: str, result: dict[str, Any]) -> None:
        path = self.result_path(step)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
            os.replace(tmp, path)
        except BaseException:           # a full disk leaves no half-written result behind
            tmp.unlink(missing_ok=True)
            raise

    def result(self, step: str) -> dict[str, Any]:
        path = self.result_path(step)
        if path.exists() or not staging.enabled():
            return json.loads(path.read_text(encoding="utf-8"))
        staged = staging.open_staging().read(self.id, path.relative_to(self.workdir).as_posix())
        if staged is None:
            raise FileNotFoundError(path)
        return json.loads(staged)

    def has_result(self, step: str) -> bool:
        """The step wrote its result (here, or in the job's staging area)."""
        try:
            self.result(step)
        except FileNotFoundError:
            return False
        return True

    def dossier(self) -> Dossier:
        """The validated dossier, with its auto fields filled in."""
        return Dossier.model_validate(self.result("validate")["dossier"])


def event(type_: str, *, outcome: str = "success", tool: str | None = None, tool_version: str | None = None,
          detail: str | None = None, objects: list[str] | None = None) -> dict[str, Any]:
    """A preservation (PREMIS) event as steps record it in their results."""
    return {"type": type_, "datetime": now().isoformat(), "outcome": outcome, "tool_name": tool,
            "tool_version": tool_version, "detail": detail, "object_ids": objects or []}

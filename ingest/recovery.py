"""What a process killed half-way leaves behind, dealt with when a server or worker starts;
and work folders that outlived their use.

- A step left ``running`` by a process that is dead (its owner file in the job's folder names
  a process of this machine that no longer exists) is resumed by the server, or marked
  failed by a worker (Celery delivers the task again, which runs the step again).
- An upload's ``.part`` file whose receiving process is dead is removed.
- A tool's process group whose starting process is dead is killed (``archive.process.kill_orphans``).
- A finished job keeps only its small step results (``*.json``): the submission copy, the
  preservation copies and the package copy were verified in the store and are removed.
  A failed job keeps its folder, and its staged artefacts (ingest.staging),
  ``LUUTRU_FAILED_JOB_DAYS`` for its retry, then the same.
- A staging area of no job in the catalog (the process submitting it died during its first
  push, before the job's steps were recorded; or its job's rows went with its destroyed
  dossier) is removed whole once nothing was written to it for ``staging_orphan_minutes``.
"""
from __future__ import annotations

import json
import logging
import shutil
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

from sqlalchemy import select

from archive.catalog.db import session_scope
from archive.catalog.models import PipelineStep, StepState
from archive.clock import utcnow
from archive.settings import Settings, get_settings
from ingest import staging, state
from ingest.job import IngestJob
from archive import process as _process

log = logging.getLogger(__name__)
OWNER_FILE = "running.json"


@dataclass
class Recovery:
    resumed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    uploads_removed: list[str] = field(default_factory=list)
    tools_killed: list[str] = field(default_factory=list)
    folders_tidied: list[str] = field(default_factory=list)


def claim(job: IngestJob, step: str) -> None:
    """Written before a step runs: which process on which machine runs it."""
    job.workdir.mkdir(parents=True, exist_ok=True)
    (job.workdir / OWNER_FILE).write_text(json.dumps({**_process.identity(), "step": step}))


def release(job: IngestJob) -> None:
    (job.workdir / OWNER_FILE).unlink(missing_ok=True)


def _abandoned(job: IngestJob) -> bool:
    try:
        owner = json.loads((job.workdir / OWNER_FILE).read_text())
    except FileNotFoundError:
        # The owner file is written before the step is marked running, so here only a crash loses
        # it; but a staged job's step may be running on another host, with its file there.
        return not staging.enabled()
    except (OSError, ValueError):
        return True
    return owner["host"] == socket.gethostname() and not _process.alive(owner["pid"], owner["start"])


def interrupted_jobs() -> list[tuple[str, str]]:
    """(job, step) of the steps left running by a dead process of this machine."""
    with session_scope() as session:
        running = session.execute(select(PipelineStep.job_id, PipelineStep.step)
                                  .where(PipelineStep.state == StepState.RUNNING)).all()
    return [(job_id, step) for job_id, step in running if _abandoned(IngestJob.load(job_id))]


def upload_name() -> str:
    me = _process.identity()
    return f"{me['host']}.{me['pid']}.{me['start']}.{time.time_ns()}.part"


def remove_orphan_uploads(settings: Settings) -> list[str]:
    removed = []
    for path in (settings.data_dir / "uploads").glob("*.part"):
        parts = path.name.split(".")
        mine = len(parts) == 5 and parts[0] == socket.gethostname()
        if (mine and not _process.alive(int(parts[1]), parts[2])) or \
                (len(parts) != 5 and time.time() - path.stat().st_mtime > 86400):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def tidy(job: IngestJob) -> None:
    """Keep the step results, remove the copies (submission, preservation copies, package)."""
    if not job.workdir.is_dir():
        return
    for entry in job.workdir.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.suffix != ".json":
            entry.unlink(missing_ok=True)


def tidy_failed_jobs(settings: Settings) -> list[str]:
    """Failed jobs whose last change is older than ``failed_job_days``: their work folder here and
    their staged artefacts (ingest.staging) keep only the step results. Staged leftovers of
    archived jobs, and staging areas of no job (``sweep_staging``), go too."""
    cutoff = utcnow() - timedelta(days=settings.failed_job_days)
    with session_scope() as session:
        old = session.execute(select(PipelineStep.job_id).where(PipelineStep.state == StepState.FAILED,
                                                                PipelineStep.updated_at < cutoff)).scalars()
        job_ids = list(dict.fromkeys(old))
    stage = staging.open_staging(settings) if staging.enabled(settings) else None
    tidied = []
    for job_id in job_ids:
        job = IngestJob.load(job_id, settings)
        if job.workdir.is_dir() and any(e.suffix != ".json" for e in job.workdir.iterdir()):
            tidy(job)
            tidied.append(job_id)
        if stage is not None and stage.has_artefacts(job_id):
            stage.remove(job_id)
            tidied.append(job_id)
    if stage is not None:
        tidied += _unstage_archived(stage, cutoff)
        tidied += sweep_staging(stage, settings)
    return list(dict.fromkeys(tidied))


def sweep_staging(stage: staging.Staging, settings: Settings) -> list[str]:
    """Remove the staging areas that belong to no job of the catalog and were last written
    more than ``staging_orphan_minutes`` ago (by the archive's clock): a job being created
    right now has written to its area moments ago, and has its steps recorded once its push
    is whole."""
    cutoff = utcnow() - timedelta(minutes=settings.staging_orphan_minutes)
    idle = [job_id for job_id, written in stage.idle_since().items() if written < cutoff]
    if not idle:
        return []
    with session_scope() as session:
        known = set(session.execute(select(PipelineStep.job_id).where(PipelineStep.job_id.in_(idle))).scalars())
    swept = []
    for job_id in idle:
        if job_id not in known:
            removed = stage.remove(job_id, keep_results=False)
            log.warning("staging: removed %d object(s) of %s, which belongs to no job", removed, job_id)
            swept.append(job_id)
    return swept


def _unstage_archived(stage: staging.Staging, since) -> list[str]:
    """Jobs archived since ``since`` whose worker stopped between the last step and the removal
    of their staged artefacts (ingest.pipeline removes them once the last step is done)."""
    from ingest.steps import STEP_NAMES
    with session_scope() as session:
        done = session.execute(select(PipelineStep.job_id).where(
            PipelineStep.step == STEP_NAMES[-1], PipelineStep.state == StepState.DONE,
            PipelineStep.updated_at >= since)).scalars().all()
    left = [job_id for job_id in done if stage.has_artefacts(job_id)]
    for job_id in left:
        stage.remove(job_id)
    return left


def drop_stale_caches(settings: Settings) -> list[str]:
    """Staged jobs (ingest.staging): a work folder here is only a cache of the job's staging
    area, left by a worker killed half-way; any worker pulls the job again when it runs a step.
    Folders a live process of this machine is working in are kept. A folder never staged is
    the job itself, unless no job of the catalog has its name and it has been idle for
    ``staging_orphan_minutes``: what a process killed while creating a job left."""
    if not staging.enabled(settings) or not (settings.data_dir / "jobs").is_dir():
        return []
    stage = staging.open_staging(settings)
    cutoff = (utcnow() - timedelta(minutes=settings.staging_orphan_minutes)).timestamp()
    dropped = []
    for folder in (settings.data_dir / "jobs").iterdir():
        try:
            owner = json.loads((folder / OWNER_FILE).read_text())
            if owner["host"] == socket.gethostname() and _process.alive(owner["pid"], owner["start"]):
                continue
        except (OSError, ValueError, KeyError):
            pass
        if stage.manifest(folder.name) is None and not _never_created(folder, cutoff):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        dropped.append(folder.name)
    return dropped


def _never_created(folder, cutoff: float) -> bool:
    """A work folder of no job in the catalog, untouched since ``cutoff`` (a POSIX time)."""
    if max((p.stat().st_mtime for p in folder.rglob("*")), default=folder.stat().st_mtime) >= cutoff:
        return False
    with session_scope() as session:
        return session.execute(select(PipelineStep.id).where(PipelineStep.job_id == folder.name).limit(1)).first() \
            is None


def recover(*, resume: Callable[[str], None] | None = None, settings: Settings | None = None) -> Recovery:
    """At start-up. ``resume`` runs a job again (the server's runner); without it the
    interrupted step is marked failed, its reason saying so."""
    settings = settings or get_settings()
    done = Recovery(tools_killed=_process.kill_orphans(), uploads_removed=remove_orphan_uploads(settings))
    for job_id, step in interrupted_jobs():
        release(IngestJob.load(job_id, settings))
        if resume is not None:
            state.mark(job_id, step, StepState.PENDING, reason="interrupted: the process running it stopped; resumed")
            resume(job_id)
            done.resumed.append(job_id)
        else:
            state.mark(job_id, step, StepState.FAILED, reason="interrupted: the process running it stopped")
            done.failed.append(job_id)
    done.folders_tidied = tidy_failed_jobs(settings) + drop_stale_caches(settings)
    if any((done.resumed, done.failed, done.uploads_removed, done.tools_killed, done.folders_tidied)):
        log.warning("recovered after a crash: %s", done)
    return done

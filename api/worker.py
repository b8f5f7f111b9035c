"""The Celery worker of the whole archive: one task per ingest step, chained per dossier, and
the daily schedules (fixity, retention).

Tasks are acknowledged late and rejected when their worker dies, so a step interrupted by
a crash is not lost; every step is idempotent, so running it again is safe. A worker shares
no folder with the API or other workers: each step is run on a local copy of the job's
staging area in the object store (ingest.staging).
``celery -A api.worker worker`` starts a worker; ``beat`` runs the schedules.
``enqueue`` is the pipeline's Celery runner (``ingest.pipeline.Runner``).
"""
from __future__ import annotations

from celery import Celery, chain
from celery.schedules import crontab
from celery.signals import celeryd_after_setup, worker_process_init, worker_process_shutdown, worker_ready

from archive.settings import get_settings
from ingest.pipeline import Progress
from ingest.steps import STEP_NAMES
from ingest.tools import cores
from ingest.tools.cores import ingest_workers

settings = get_settings()
app = Celery("luutru", broker=settings.broker_url or "memory://", backend=settings.broker_url or None)
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    worker_concurrency=ingest_workers(),   # the one setting for CLI, server and workers
    task_serializer="json",
    broker_connection_retry_on_startup=True,
    beat_schedule={"fixity-daily": {"task": "luutru.fixity", "schedule": crontab(hour=1, minute=0)},
                   "retention-daily": {"task": "luutru.retention", "schedule": crontab(hour=6, minute=30)},
                   "audit-checkpoint-daily": {"task": "luutru.audit_checkpoint",
                                              "schedule": crontab(hour=23, minute=50)},
                   "failed-jobs-daily": {"task": "luutru.tidy_failed_jobs", "schedule": crontab(hour=3, minute=0)}},
    timezone=settings.timezone,
)


_forks_children = False     # Celery's prefork pool: the tasks run in child processes


@celeryd_after_setup.connect
def _share_cores(instance, **_) -> None:
    """Before the pool forks: each prefork child converts with its share of the cores, not all of them."""
    global _forks_children
    from celery.concurrency.prefork import TaskPool
    if isinstance(instance.pool_cls, type) and issubclass(instance.pool_cls, TaskPool):
        cores.share_with(instance.concurrency)
        _forks_children = True


@worker_ready.connect
def _recover(**_) -> None:
    """A worker killed half-way left its step running and its tools' children alive."""
    from ingest.recovery import recover
    recover(resume=None)
    if not _forks_children:     # solo or threads: this process runs the tasks
        _start_pdfa_validator()


@worker_process_init.connect
def _start_pdfa_validator(**_) -> None:
    """Each process that runs tasks starts veraPDF now, so its first dossier finds it warm."""
    from ingest.normalise import start_pdfa_validator
    start_pdfa_validator()


@worker_process_shutdown.connect
def _stop_pdfa_validator(**_) -> None:
    """A prefork child leaves through os._exit (no atexit): its JVMs are ended here."""
    from ingest.tools import verapdf
    verapdf.close_all()


def _step_task(step: str):
    @app.task(name=f"luutru.ingest.{step}", bind=True)
    def task(self, job_id: str) -> str:
        from ingest.pipeline import run_step
        run_step(job_id, step, staged=True)     # any worker, any host: the job is in staging
        return job_id
    return task


STEP_TASKS = {step: _step_task(step) for step in STEP_NAMES}


@app.task(name="luutru.fixity")
def fixity() -> dict:
    from archive.lifecycle.fixity import run_fixity
    report = run_fixity("due")
    return {"checked": len(report.checked), "alarms": len(report.alarms)}


@app.task(name="luutru.retention")
def retention() -> dict:
    """Daily: dossiers due for transfer or expired, notified to their agencies."""
    from archive.lifecycle.retention_run import run_retention
    run = run_retention()
    return {"due": len(run.due), "new_notices": run.new_notices, "emails": len(run.emails_sent)}


@app.task(name="luutru.audit_checkpoint")
def audit_checkpoint() -> dict:
    """Daily: the audit trail's head, written once to the object store."""
    from archive.audit_checkpoint import write_checkpoint
    checkpoint = write_checkpoint("daily")
    return {"seq": checkpoint.seq if checkpoint else 0}


@app.task(name="luutru.tidy_failed_jobs")
def tidy_failed_jobs() -> dict:
    """Daily: failed jobs older than LUUTRU_FAILED_JOB_DAYS keep only their step results."""
    from ingest.recovery import tidy_failed_jobs as tidy
    return {"tidied": len(tidy(get_settings()))}


def enqueue(job_id: str, steps: list[str], *, wait: bool = True, progress: Progress | None = None,
            timeout: float | None = None) -> None:
    """Run ``steps`` on the workers; ``progress`` is not reported (the job's step states are)."""
    if not steps:
        return
    result = chain(*(STEP_TASKS[s].si(job_id) for s in steps)).apply_async()
    if wait:
        result.get(timeout=timeout, propagate=True)

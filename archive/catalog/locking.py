"""Compare-and-set on a workflow row: every transition of a destruction list, a transfer, a
legal hold or an amendment reads its row and changes it under a lock, so of two concurrent
steps exactly one acts and the other sees the stage the first left (409).

PostgreSQL: ``SELECT … FOR UPDATE`` locks the row; the second transaction waits and then
reads the committed stage. SQLite has no row locks and, in WAL mode, a transaction that read
before another committed cannot write afterwards (``SQLITE_BUSY``): ``BEGIN IMMEDIATE`` takes
the database's write lock before the first read instead (waiting up to ``busy_timeout``).
"""
from __future__ import annotations

import contextlib
from typing import Iterator, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.catalog.db import session_scope
from archive.errors import WrongWorkflowStage

Row = TypeVar("Row")


@contextlib.contextmanager
def locked_session(url: str | None = None) -> Iterator[Session]:
    """A session whose rows read with ``lock_row`` stay locked until it commits or rolls back."""
    with session_scope(url) as session:
        if session.get_bind().dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session


def lock_row(session: Session, model: type[Row], *where) -> Row | None:
    """The row matching ``where``, locked for the rest of the transaction (None if absent)."""
    return session.execute(select(model).where(*where).with_for_update()).scalar_one_or_none()


def expect_stage(what: str, current: str, *stages: str, **context) -> None:
    """Refuse (409, ``wrong_workflow_stage``) unless ``current`` is one of ``stages``."""
    if current not in stages:
        raise WrongWorkflowStage(f"{what} is at stage {current}; needs {' or '.join(stages)}",
                                 stage=current, **context)

"""Alembic environment: run by ``archive.catalog.db.init_catalog`` with a live connection."""
from alembic import context

from archive.catalog.models import load_all_models

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=load_all_models(), render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()

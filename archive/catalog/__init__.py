"""The catalog database (SQLite by default, PostgreSQL in production)."""
from archive.catalog.db import get_engine, init_catalog, session_scope

__all__ = ["get_engine", "init_catalog", "session_scope"]

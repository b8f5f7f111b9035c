"""The ``luutru`` command. Each module in this package adds its commands to ``app``."""
from __future__ import annotations

import importlib
import pkgutil
import sys

from api.cli.app import app
from archive.errors import (AUDITED_REFUSALS, InvalidCredentials, LuuTruError, NotAuthenticated, TooManyLoginAttempts,
                            storage_full_or)

REFUSALS = (*AUDITED_REFUSALS, NotAuthenticated, InvalidCredentials, TooManyLoginAttempts)


def main() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "app":
            importlib.import_module(f"{__name__}.{module.name}")
    try:
        try:
            app()
        except Exception as raised:    # a full disk anywhere is reported with its code
            full = storage_full_or(raised)
            if full is raised:
                raise
            raise full from raised
    except LuuTruError as exc:  # same code and message as the API would give
        if isinstance(exc, REFUSALS):
            from archive import audit
            words = [a for a in sys.argv[1:] if not a.startswith("-")][:2]   # the command, e.g. destruction approve
            # the domain's refusals name the actor they refused (archive.access.require)
            audit.record_refusal(exc, actor=None, via="cli", attempted="luutru " + " ".join(words))
        print(f"lỗi [{exc.code}]: {exc.message_vi} ({exc.detail})", file=sys.stderr)
        sys.exit(exc.exit_code)

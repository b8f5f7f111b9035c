"""The ``luutru`` command. Each module in this package adds its commands to ``app``."""
from __future__ import annotations

import importlib
import pkgutil
import sys

from api.cli.app import app
from archive.errors import Forbidden, LuuTruError


def _option(name: str) -> str | None:
    """The value given to ``name`` on the command line (``--actor an`` or ``--actor=an``)."""
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def main() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "app":
            importlib.import_module(f"{__name__}.{module.name}")
    try:
        app()
    except LuuTruError as exc:  # same code and message as the API would give
        if isinstance(exc, Forbidden):
            from archive import audit
            words = [a for a in sys.argv[1:] if not a.startswith("-")][:2]   # the command, e.g. destruction approve
            audit.record_refusal(exc, actor=_option("--actor"), via="cli", attempted="luutru " + " ".join(words))
        print(f"lỗi [{exc.code}]: {exc.message_vi} ({exc.detail})", file=sys.stderr)
        sys.exit(exc.exit_code)

"""Who may do which lifecycle action, and the archive's "today".

Actors are ``search.access.Principal`` values passed in explicitly (the CLI builds them from
``--actor/--role/--agency``, the API from the logged-in user), so every rule is checked in
the domain code whichever interface calls it.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from archive.errors import Forbidden
from archive.settings import Settings, get_settings
from search.access import Principal

ROLE_VI = {"archivist": "văn thư/lưu trữ", "council": "hội đồng xác định giá trị tài liệu",
           "auditor": "Sở Nội vụ", "agency_head": "lãnh đạo cơ quan", "admin": "quản trị", "researcher": "độc giả"}


def require(actor: Principal, roles: tuple[str, ...], *, agency: str | None = None, action: str) -> None:
    """Refuse unless the actor has one of ``roles`` and, for agency staff, belongs to ``agency``.
    Auditors and administrators act province-wide."""
    if actor.role not in roles:
        raise Forbidden(f"{actor.user} ({actor.role}) may not {action}; needs {' or '.join(roles)}",
                        message_vi=f"Chỉ {' hoặc '.join(ROLE_VI[r] for r in roles)} được thực hiện thao tác này.",
                        actor=actor.user, role=actor.role)
    if agency is not None and actor.role not in ("auditor", "admin") and actor.organ_id != agency:
        raise Forbidden(f"{actor.user} of agency {actor.organ_id} may not {action} for agency {agency}",
                        message_vi="Bạn chỉ được thao tác trên hồ sơ của cơ quan mình.",
                        actor=actor.user, agency=agency)


def local_today(settings: Settings | None = None) -> date:
    return datetime.now(ZoneInfo((settings or get_settings()).timezone)).date()

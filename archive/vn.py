"""How the archive writes for people (pages, reports, certificates): dates as dd/mm/yyyy, a
moment as dd/mm/yyyy HH:MM in the archive's time zone (Asia/Ho_Chi_Minh), agencies by name."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from archive.settings import get_settings

QUOC_HIEU = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def vn_date(value: Any) -> str:
    """dd/mm/yyyy, with HH:MM local time for a moment; ISO text is read first; "" for nothing."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        local = value.astimezone(ZoneInfo(get_settings().timezone)) if value.tzinfo else value
        return local.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def is_dateish(value: Any) -> bool:
    return isinstance(value, (date, datetime)) or (isinstance(value, str) and len(value) >= 10 and value[4:5] == "-"
                                                   and value[:4].isdigit() and value[7:8] == "-")


def agency_names(session) -> dict[str, str]:
    """OrganId → the agency's name (the OrganId itself where no name is known)."""
    from archive.catalog.models import Agency
    return dict(session.execute(select(Agency.organ_id, Agency.name)).all())

"""The archive's "today" for lifecycle routes: the real date in the configured time zone, or
``LUUTRU_FIXED_TODAY`` on test and training instances. Never taken from a request, so no
caller can make a dossier look expired."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends

from api.deps import SettingsDep
from archive.authority import local_today


def archive_today(settings: SettingsDep) -> date:
    return settings.fixed_today or local_today(settings)


TodayDep = Annotated[date, Depends(archive_today)]

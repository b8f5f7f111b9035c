"""The /draft page (archivist): build a dossier from its documents. The page itself is static;
it works through /api/v1/drafts (api/routes/drafts.py) with the session and CSRF token."""
from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.routes.pages import PageCaller, render
from api.web import DIRECTION_LABELS, LABELS
from archive.errors import Forbidden
from archive.settings import load_codelists

router = APIRouter(include_in_schema=False)


@router.get("/draft", response_class=HTMLResponse)
def draft_page(request: Request, caller: PageCaller):
    if caller.user.role != "archivist":
        raise Forbidden("only an agency's archivist drafts dossiers",
                        message_vi="Chỉ văn thư, lưu trữ của cơ quan được lập hồ sơ.")
    lists = load_codelists()
    options = {"Maintenance": [p.value for p in lists.retention.values()], "Rights": list(lists.rights.values()),
               "direction": DIRECTION_LABELS}
    return render(request, "draft.html", caller, labels=json.dumps(LABELS, ensure_ascii=False),
                  options=json.dumps(options, ensure_ascii=False))

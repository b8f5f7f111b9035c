"""The REST API, /api/v1, one router per resource."""
from fastapi import APIRouter

from api.routes import (access_requests, amendments, audit, auth, destruction, dossiers, drafts, files,
                        received_transfers, reports, retention, search, submissions, transfers, users)

api_router = APIRouter()
for module in (auth, audit, users, submissions, drafts, dossiers, files, search, reports, destruction, retention,
               received_transfers, transfers, amendments, access_requests):
    api_router.include_router(module.router)

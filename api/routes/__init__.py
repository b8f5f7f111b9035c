"""The REST API, /api/v1, one router per resource."""
from fastapi import APIRouter

from api.routes import auth, dossiers, files, reports, search, submissions, users

api_router = APIRouter()
for module in (auth, users, submissions, dossiers, files, search, reports):
    api_router.include_router(module.router)

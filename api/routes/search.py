"""Search with filters, facets and snippets; the principal comes from the logged-in user, so
the search layer filters what they may find before anything is counted or shown."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import ValidationError

from api.deps import CallerDep, SettingsDep
from archive.errors import InvalidSearchQuery
from search.base import SearchResults, open_index
from search.query import MAX_QUERY_CHARS, SearchQuery

router = APIRouter(tags=["search"])
# URL parameter → SearchQuery field where the names differ (the rest are the same)
PARAM_FIELDS = {"q": "text", "type": "type_name", "from": "date_from", "to": "date_to"}


def build_query(params: Mapping[str, object]) -> SearchQuery:
    """The query from URL parameters; empty ones (a web form's blank fields) mean no filter."""
    fields = {PARAM_FIELDS.get(k, k): v for k, v in params.items() if v not in (None, "")}
    try:
        return SearchQuery(**fields)
    except ValidationError as exc:
        raise InvalidSearchQuery("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()),
                                 errors=[{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]) from None


def search_query(
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS,
                            description='Từ khóa; "cụm từ"; số ký hiệu như 04/2021/QĐ-UBND')] = "",
    agency: Annotated[str | None, Query(max_length=13)] = None,
    type: Annotated[str | None, Query(max_length=100, description="Tên loại văn bản")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    rights: Annotated[str | None, Query(max_length=30)] = None,
    retention: Annotated[str | None, Query(max_length=30)] = None,
    direction: Literal["incoming", "outgoing", "internal"] | None = None,
    kind: Literal["document", "dossier"] | None = None,
    sort: Literal["relevance", "date"] = "relevance",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 10,
) -> SearchQuery:
    return build_query({"q": q, "agency": agency, "type": type, "year": year, "from": date_from, "to": date_to,
                        "rights": rights, "retention": retention, "direction": direction, "kind": kind, "sort": sort,
                        "page": page, "per_page": per_page})


@router.get("/search", response_model=SearchResults, summary="Tìm kiếm hồ sơ, văn bản")
def search(query: Annotated[SearchQuery, Depends(search_query)], caller: CallerDep,
           settings: SettingsDep) -> SearchResults:
    with open_index(settings) as index:
        return index.search(query, caller.principal)

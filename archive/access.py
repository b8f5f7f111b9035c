"""Who is acting and what they may do: the one identity and access model of the archive.

Principals are built from credentials (the API's logged-in user, the CLI's account), never
from a declared name or role. Search backends apply ``can_find``/``can_read`` inside the
query, before scoring, so totals, facets and snippets only ever count what the principal
may see; lifecycle actions check ``require``.

- A researcher (độc giả) reads open (``Công khai``) records and dossiers granted to them.
- An agency's staff (archivist, appraisal council, agency head) also read their own
  agency's restricted records.
- An auditor (Sở Nội vụ) and an administrator find every record by its metadata; the full
  text of a record they may not read is neither searched nor shown.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeVar

from archive.errors import Forbidden
from archive.text import key

Role = Literal["researcher", "archivist", "council", "auditor", "agency_head", "admin"]
ROLES: tuple[str, ...] = ("researcher", "archivist", "council", "auditor", "agency_head", "admin")
AGENCY_STAFF = frozenset({"archivist", "council", "agency_head"})
SEES_ALL_METADATA = frozenset({"auditor", "admin"})
OPEN_RIGHTS = "Công khai"
OPEN_RIGHTS_KEY = key(OPEN_RIGHTS)
ROLE_VI = {"archivist": "văn thư/lưu trữ", "council": "hội đồng xác định giá trị tài liệu",
           "auditor": "Sở Nội vụ", "agency_head": "lãnh đạo cơ quan", "admin": "quản trị", "researcher": "độc giả"}


@dataclass(frozen=True)
class Principal:
    user: str
    role: Role
    organ_id: str | None = None
    granted: frozenset[str] = field(default_factory=frozenset)   # dossier codes

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {', '.join(ROLES)}")
        object.__setattr__(self, "granted", frozenset(self.granted))

    @property
    def own_agency(self) -> str | None:
        """The agency whose restricted records this principal reads, if any."""
        return self.organ_id if self.role in AGENCY_STAFF and self.organ_id else None

    @property
    def sees_all_metadata(self) -> bool:
        return self.role in SEES_ALL_METADATA


def is_open(rights: str | None) -> bool:
    return key(rights or "") == OPEN_RIGHTS_KEY


def can_read(principal: Principal, *, rights: str | None, organ_id: str, dossier_code: str) -> bool:
    """Whether the principal may read a record's content (and find it by its content)."""
    return (is_open(rights) or dossier_code in principal.granted
            or (principal.own_agency is not None and principal.own_agency == organ_id))


def can_find(principal: Principal, *, rights: str | None, organ_id: str, dossier_code: str) -> bool:
    """Whether the record may appear at all (by metadata at least) for the principal."""
    return principal.sees_all_metadata or can_read(principal, rights=rights, organ_id=organ_id,
                                                   dossier_code=dossier_code)


def sees_agency(principal: Principal, organ_id: str) -> bool:
    """Whether the principal may know that one of an agency's workflow objects (destruction list,
    transfer, amendment, access request, notice) exists: the agency's staff, the auditor and the
    administrator."""
    return principal.sees_all_metadata or (principal.own_agency is not None and principal.own_agency == organ_id)


def agency_scope(principal: Principal, agency: str | None) -> str | None:
    """The agency whose reports, notices and amendment lists the principal may read, given the
    one asked for (None: the whole province, for the auditor and the administrator); an
    agency's staff read their own only. Forbidden otherwise."""
    if principal.sees_all_metadata:
        return agency
    if principal.own_agency is not None and agency in (None, principal.own_agency):
        return principal.own_agency
    raise Forbidden(f"role {principal.role} may not read reports of {agency or 'every agency'}",
                    message_vi="Bạn chỉ xem được báo cáo của cơ quan mình.", actor=principal.user,
                    role=principal.role)


Row = TypeVar("Row")


def visible(actor: Principal | None, row: Row | None, missing: Exception, *, organ_id: str | None = None,
            also: bool = False) -> Row:
    """``row`` if it exists and ``actor`` may know it does (its agency ``organ_id``, by default
    ``row.organ_id``; ``also``: one more reason, e.g. the requester's own request); otherwise
    ``missing``, the very error a missing row gives, raised before any role, agency or stage rule
    so that a 403 or 409 never tells a stranger the row exists. ``actor`` None: no one's behalf."""
    if row is None or (actor is not None and not also and not sees_agency(actor, organ_id or row.organ_id)):
        raise missing
    return row


def require(actor: Principal, roles: tuple[str, ...], *, agency: str | None = None, action: str) -> None:
    """Refuse unless the actor has one of ``roles`` and, for agency staff, belongs to ``agency``.
    Auditors and administrators act province-wide."""
    if actor.role not in roles:
        raise Forbidden(f"{actor.user} ({actor.role}) may not {action}; needs {' or '.join(roles)}",
                        message_vi=f"Chỉ {' hoặc '.join(ROLE_VI[r] for r in roles)} được thực hiện thao tác này.",
                        actor=actor.user, role=actor.role)
    if agency is not None and not actor.sees_all_metadata and actor.organ_id != agency:
        raise Forbidden(f"{actor.user} of agency {actor.organ_id} may not {action} for agency {agency}",
                        message_vi="Bạn chỉ được thao tác trên hồ sơ của cơ quan mình.",
                        actor=actor.user, agency=agency)

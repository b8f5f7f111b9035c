"""Names, paths, namespaces and dates shared by the package writer and reader."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")   # +07:00, no daylight saving

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PREMIS_NS = "http://www.loc.gov/premis/v3"
EAD_NS = "http://ead3.archivists.org/schema/"
DOSSIER_NS = "urn:luutru:dossier:1"

# namespace -> schema file in schemas/
SCHEMA_FILES = {
    METS_NS: "mets.xsd",
    XLINK_NS: "xlink.xsd",
    CSIP_NS: "DILCISExtensionMETS.xsd",
    PREMIS_NS: "premis-v3-0.xsd",
    EAD_NS: "ead3.xsd",
    DOSSIER_NS: "dossier.xsd",
}

CSIP_PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CONTENT_TYPE = "urn:luutru:dossier:1"     # csip:OTHERCONTENTINFORMATIONTYPE

EAD_PATH = "metadata/descriptive/EAD.xml"
DOSSIER_PATH = "metadata/descriptive/dossier.xml"
PREMIS_PATH = "metadata/preservation/PREMIS.xml"
README_PATH = "documentation/README.txt"
PRESERVATION_REP = "rep1"
ORIGINAL_REP = "rep0"


def folder_name(package_id: str) -> str:
    """The package folder is named after the OBJID with ':' replaced by '_'."""
    return package_id.replace(":", "_")


def iso(moment: datetime) -> str:
    """ISO 8601 with the Vietnam offset, e.g. 2021-03-15T09:30:00+07:00."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def now() -> datetime:
    return datetime.now(VIETNAM).replace(microsecond=0)


def schema_location(xml_path: str, namespaces: list[str]) -> str:
    """xsi:schemaLocation pointing from ``xml_path`` (package-relative) to schemas/."""
    up = "../" * (len(PurePosixPath(xml_path).parts) - 1)
    return " ".join(f"{ns} {up}schemas/{SCHEMA_FILES[ns]}" for ns in namespaces)


def relative(from_dir: str, path: str) -> str:
    """``path`` (package-relative) as seen from the package-relative folder ``from_dir``."""
    prefix = from_dir.rstrip("/") + "/"
    if not path.startswith(prefix):
        raise ValueError(f"{path} is not inside {from_dir}")
    return path[len(prefix):]


@dataclass
class PackageFile:
    """A content file of the package as METS and PREMIS describe it."""
    id: str                          # METS file ID = PREMIS object identifier
    path: str                        # package-relative, e.g. representations/rep1/data/001.pdf
    sha256: str
    size: int
    mime: str
    created: datetime
    ordinal: int                     # DocOrdinal of its document
    puid: str | None = None
    format_name: str | None = None
    original_name: str | None = None
    role: str = "main"
    derived_from: str | None = None  # id of the original a preservation copy was made from
    creating_tool: tuple[str, str] | None = None
    event_ids: list[str] = field(default_factory=list)

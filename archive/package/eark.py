"""Checking a package folder: E-ARK CSIP conformance and XSD validity, with no network.

``eark-validator`` downloads four CSIP vocabularies from ``https://earkcsip.dilcis.eu/schema/``
while it is being imported (``eark_validator.ipxml.schematron`` builds its vocabulary tests
at module level with ``urllib.request.urlopen``). The archive must validate packages
offline — in tests, in CI and when an agency's transfer package arrives — so during that
import ``urlopen`` is replaced by a function that serves the vendored copies in
``vocabularies/`` (CC BY 4.0, DILCIS Board) and hands every other URL to the real one.
"""
from __future__ import annotations

import io
import threading
import urllib.request
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

VOCABULARY_DIR = Path(__file__).parent / "vocabularies"
VOCABULARY_URL = "https://earkcsip.dilcis.eu/schema/"
XSI_SCHEMA_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
_import_lock = threading.Lock()
# Rules of eark-validator 1.1.3 that no METS-valid package can meet. SIP14 asks an unqualified
# @NOTETYPE="IDENTIFICATIONCODE" on the note of every CREATOR agent, including the software
# agent whose single note CSIP15/16 require to be csip:NOTETYPE="SOFTWARE VERSION"; the METS
# schema allows no unqualified attribute there. Every SIP therefore fails SIP14.
SELF_CONTRADICTORY_RULES = frozenset({"SIP14"})


def _offline_urlopen(real_urlopen):
    def urlopen(url, *args, **kwargs):
        target = url.full_url if isinstance(url, urllib.request.Request) else str(url)
        if target.startswith(VOCABULARY_URL):
            local = VOCABULARY_DIR / target[len(VOCABULARY_URL):]
            if local.parent == VOCABULARY_DIR and local.is_file():
                return io.BytesIO(local.read_bytes())
        return real_urlopen(url, *args, **kwargs)
    return urlopen


@lru_cache(maxsize=1)
def _validator_module():
    """Import eark_validator with the vocabularies served locally; import it only once."""
    with _import_lock:
        real = urllib.request.urlopen
        urllib.request.urlopen = _offline_urlopen(real)
        try:
            from eark_validator import packages
        finally:
            urllib.request.urlopen = real
        return packages


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str          # "Error" | "Warning" | "Information"
    message: str
    location: str | None = None


@dataclass
class EarkReport:
    valid: bool
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    infos: list[Finding] = field(default_factory=list)

    def summary(self) -> str:
        return "\n".join(f"{f.rule_id}: {f.message}" for f in self.errors)

    @property
    def conformant(self) -> bool:
        """No error beyond the validator's self-contradictory rules (what a SIP can reach)."""
        return all(f.rule_id in SELF_CONTRADICTORY_RULES for f in self.errors)


def validate_package(package_dir: Path) -> EarkReport:
    """Run eark-validator (CSIP structure, METS schema, CSIP/SIP Schematron rules)."""
    packages = _validator_module()
    try:
        report = packages.PackageValidator(Path(package_dir)).validation_report
    except Exception as exc:   # e.g. KeyError on a file entry without CHECKSUM: report, don't crash
        return EarkReport(valid=False, errors=[Finding(
            "EARK-VALIDATOR", "Error", f"eark-validator could not check the package: {type(exc).__name__}: {exc}")])
    messages = list(report.structure.messages if report.structure else [])
    if report.metadata:
        messages += report.metadata.schema_results.messages + report.metadata.schematron_results.messages
    out = EarkReport(valid=report.is_valid if report.metadata else False)
    buckets = {"Error": out.errors, "Warning": out.warnings, "Information": out.infos}
    for m in messages:
        finding = Finding(m.rule_id or "", m.severity.value, (m.message or "").strip(), m.location)
        buckets.get(m.severity.value, out.infos).append(finding)
    return out


# -- XSD validation against the package's own schemas/ -------------------------------

@dataclass(frozen=True)
class XsdProblem:
    file: str              # package-relative path
    message: str


class _SchemasFolderResolver(etree.Resolver):
    """Resolve any schema URL (e.g. METS's import of
    http://www.loc.gov/standards/xlink/xlink.xsd) to the file of the same name in the
    package's schemas/ folder; nothing is fetched from the network."""

    def __init__(self, schemas_dir: Path):
        super().__init__()
        self.schemas_dir = schemas_dir

    def resolve(self, url, pubid, context):
        name = Path(unquote(urlparse(url).path)).name
        local = self.schemas_dir / name
        if local.is_file():
            return self.resolve_filename(str(local), context)
        return None


def _schema_locations(root: etree._Element, xml_file: Path) -> list[tuple[str, Path]]:
    pairs = (root.get(XSI_SCHEMA_LOCATION) or "").split()
    return [(pairs[i], (xml_file.parent / pairs[i + 1]).resolve()) for i in range(0, len(pairs) - 1, 2)]


def _wrapper_schema(locations: list[tuple[str, Path]], schemas_dir: Path) -> etree.XMLSchema:
    xs = "http://www.w3.org/2001/XMLSchema"
    wrapper = etree.Element(f"{{{xs}}}schema", nsmap={"xs": xs}, targetNamespace="urn:luutru:xsd-wrapper")
    # XLink first, so METS's own import of it finds the namespace already loaded.
    for ns, path in sorted(locations, key=lambda p: p[0] != "http://www.w3.org/1999/xlink"):
        etree.SubElement(wrapper, f"{{{xs}}}import", namespace=ns, schemaLocation=path.as_uri())
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_SchemasFolderResolver(schemas_dir))
    doc = etree.fromstring(etree.tostring(wrapper), parser).getroottree()
    return etree.XMLSchema(doc)


def validate_xml_against_shipped_xsds(package_dir: Path) -> list[XsdProblem]:
    """Every XML file of the package must name, in ``xsi:schemaLocation``, schemas from the
    package's own ``schemas/`` folder and validate against them. Returns the problems."""
    package_dir = Path(package_dir).resolve()
    schemas_dir = package_dir / "schemas"
    problems: list[XsdProblem] = []
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    for xml_file in sorted(package_dir.rglob("*.xml")):
        rel = xml_file.relative_to(package_dir).as_posix()
        try:
            root = etree.parse(str(xml_file), parser).getroot()
        except etree.XMLSyntaxError as exc:
            problems.append(XsdProblem(rel, f"not well-formed XML: {exc}"))
            continue
        locations = _schema_locations(root, xml_file)
        if not locations:
            problems.append(XsdProblem(rel, "no xsi:schemaLocation naming a shipped schema"))
            continue
        outside = [str(p) for _, p in locations if p.parent != schemas_dir or not p.is_file()]
        if outside:
            problems.append(XsdProblem(rel, f"schema not shipped in schemas/: {', '.join(outside)}"))
            continue
        schema = _wrapper_schema(locations, schemas_dir)
        if not schema.validate(root):
            problems += [XsdProblem(rel, f"line {e.line}: {e.message}") for e in schema.error_log]
    return problems


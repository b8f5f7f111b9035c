"""The package folder and its METS/PREMIS follow package.md rule by rule."""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from archive.checksums import sha256_file
from archive.errors import InvalidPackageContent
from archive.package import (build_package, copy_id, original_id, validate_package,
                             validate_xml_against_shipped_xsds)
from archive.package import DocumentContent, PackageEvent, PreservationCopy
from archive.package.build import Events, close_events, described_representation
from archive.package.layout import (CSIP_NS, METS_NS, ORIGINAL_REP, PREMIS_NS, PRESERVATION_REP, VIETNAM, XLINK_NS,
                                    PackageFile)
from tests.archive.package.conftest import facts, sample_content

NS = {"mets": METS_NS, "xlink": XLINK_NS, "csip": CSIP_NS, "premis": PREMIS_NS}
HREF = f"{{{XLINK_NS}}}href"
ISO_VN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$")


def xml(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def mets_files(pkg: Path) -> list[Path]:
    return [pkg / "METS.xml", *sorted(pkg.glob("representations/*/METS.xml"))]


def test_package_folder_is_named_after_the_objid(aip):
    root = xml(aip.path / "METS.xml")
    assert root.get("OBJID") == aip.package_id
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", aip.package_id)
    assert aip.path.name == aip.package_id.replace(":", "_")


def test_layout_matches_package_md(aip):
    p = aip.path
    for rel in ("METS.xml", "metadata/descriptive/EAD.xml", "metadata/preservation/PREMIS.xml",
                "representations/rep1/METS.xml", "representations/rep0/METS.xml"):
        assert (p / rel).is_file(), rel
    assert sorted(x.name for x in (p / "representations/rep1/data").iterdir()) == ["001.pdf", "002.pdf"]
    assert sorted(x.name for x in (p / "representations/rep1/metadata/descriptive").iterdir()) == ["001.xml",
                                                                                                    "002.xml"]
    assert {x.name for x in (p / "schemas").iterdir()} == {
        "mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd", "premis-v3-0.xsd", "ead3.xsd", "dossier.xsd"}


def test_root_mets_carries_the_csip_header(aip):
    root = xml(aip.path / "METS.xml")
    assert root.get("TYPE") and root.get("PROFILE") == "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
    assert root.get(f"{{{CSIP_NS}}}CONTENTINFORMATIONTYPE") == "OTHER"
    assert root.get(f"{{{CSIP_NS}}}OTHERCONTENTINFORMATIONTYPE")
    hdr = root.find("mets:metsHdr", NS)
    assert hdr.get(f"{{{CSIP_NS}}}OAISPACKAGETYPE") == "AIP"
    software = hdr.find("mets:agent[@ROLE='CREATOR'][@TYPE='OTHER'][@OTHERTYPE='SOFTWARE']", NS)
    assert software.findtext("mets:name", namespaces=NS) == "LuuTru"
    assert software.find("mets:note", NS).get(f"{{{CSIP_NS}}}NOTETYPE") == "SOFTWARE VERSION"
    agency = hdr.find("mets:agent[@TYPE='ORGANIZATION']", NS)
    note = agency.find("mets:note", NS)
    assert note.get(f"{{{CSIP_NS}}}NOTETYPE") == "IDENTIFICATIONCODE" and note.text == "000.00.00.H41"


def test_metadata_references_carry_every_csip_attribute(aip):
    root = xml(aip.path / "METS.xml")
    refs = root.findall(".//mets:mdRef", NS)
    assert {r.get("MDTYPE") for r in refs} == {"EAD", "OTHER", "PREMIS"}
    for r in refs:
        for attr in ("MIMETYPE", "SIZE", "CREATED", "CHECKSUM"):
            assert r.get(attr), attr
        assert r.get("LOCTYPE") == "URL" and r.get("CHECKSUMTYPE") == "SHA-256"
        assert r.get(f"{{{XLINK_NS}}}type") == "simple"


def test_every_file_entry_has_id_mime_size_created_and_checksum(aip):
    for mets in mets_files(aip.path):
        for f in xml(mets).iterfind(".//mets:file", NS):
            for attr in ("ID", "MIMETYPE", "SIZE", "CREATED", "CHECKSUM"):
                assert f.get(attr), (mets, attr)
            assert f.get("CHECKSUMTYPE") == "SHA-256"


def test_struct_map_is_physical_csip_with_metadata_schemas_documentation_and_representations(aip):
    root = xml(aip.path / "METS.xml")
    sm = root.find("mets:structMap[@TYPE='PHYSICAL'][@LABEL='CSIP']", NS)
    labels = [d.get("LABEL") for d in sm.find("mets:div", NS)]
    assert labels == ["Metadata", "Documentation", "Schemas", "Representations"]
    reps = sm.findall(".//mets:div[@LABEL='Representations']/mets:div", NS)
    assert {d.get("LABEL"): d.find("mets:mptr", NS).get(HREF) for d in reps} == {
        "Representations/rep1": "representations/rep1/METS.xml",
        "Representations/rep0": "representations/rep0/METS.xml"}


def test_every_checksum_and_size_in_mets_agrees_with_the_bytes(aip):
    checked = 0
    for mets in mets_files(aip.path):
        for el in xml(mets).iter(f"{{{METS_NS}}}file", f"{{{METS_NS}}}mdRef"):
            href = el.get(HREF) if el.get(HREF) else el.find("mets:FLocat", NS).get(HREF)
            digest, size = sha256_file(mets.parent / href)
            assert (el.get("CHECKSUM"), int(el.get("SIZE"))) == (digest, size), href
            checked += 1
    assert checked >= 18


def test_premis_has_an_object_per_file_matching_mets_ids_with_fixity_size_and_pronom(aip):
    premis = xml(aip.path / "metadata/preservation/PREMIS.xml")
    objects = {o.findtext("premis:objectIdentifier/premis:objectIdentifierValue", namespaces=NS): o
               for o in premis.iterfind("premis:object", NS)}
    rep_ids = {f.get("ID"): (mets.parent / f.find("mets:FLocat", NS).get(HREF))
               for mets in mets_files(aip.path)[1:] for f in xml(mets).iterfind(".//mets:file", NS)}
    assert set(rep_ids) == {original_id(1, 1), original_id(2, 1), original_id(2, 2), copy_id(1), copy_id(2)}
    for fid, path in rep_ids.items():
        chars = objects[fid].find("premis:objectCharacteristics", NS)
        assert chars.findtext("premis:fixity/premis:messageDigestAlgorithm", namespaces=NS) == "SHA-256"
        assert (chars.findtext("premis:fixity/premis:messageDigest", namespaces=NS),
                int(chars.findtext("premis:size", namespaces=NS))) == sha256_file(path)
        assert chars.findtext("premis:format/premis:formatDesignation/premis:formatName", namespaces=NS)
        assert chars.findtext("premis:format/premis:formatRegistry/premis:formatRegistryKey",
                              namespaces=NS).startswith("fmt/")


def test_premis_records_the_preservation_events_and_agents(aip):
    premis = xml(aip.path / "metadata/preservation/PREMIS.xml")
    types = Counter(e.findtext("premis:eventType", namespaces=NS) for e in premis.iterfind("premis:event", NS))
    for t in ("ingestion", "format identification", "migration", "validation", "fixity check",
              "digital signature validation"):
        assert types[t] >= 1, t
    migration = next(e for e in premis.iterfind("premis:event", NS)
                     if e.findtext("premis:eventType", namespaces=NS) == "migration")
    assert "Ghostscript 10.00.0" in migration.findtext(".//premis:eventDetail", namespaces=NS)
    agents = {a.findtext("premis:agentType", namespaces=NS) for a in premis.iterfind("premis:agent", NS)}
    assert agents == {"organization", "software"}


def test_ids_are_unique_across_all_mets_files_of_the_package(aip):
    ids = [el.get("ID") for mets in mets_files(aip.path) for el in xml(mets).iter() if el.get("ID")]
    assert len(ids) > 30 and len(ids) == len(set(ids))


def test_every_href_is_relative_and_stays_inside_the_package(aip):
    for mets in mets_files(aip.path):
        for el in xml(mets).iter():
            href = el.get(HREF)
            if href is None:
                continue
            assert not href.startswith("/") and "://" not in href and ".." not in href.split("/"), href
            assert (mets.parent / href).resolve().is_relative_to(aip.path.resolve())
            assert (mets.parent / href).is_file(), href


def test_every_date_is_iso_8601_with_the_vietnam_offset(aip):
    for mets in mets_files(aip.path):
        for el in xml(mets).iter():
            for attr in ("CREATED", "CREATEDATE", "LASTMODDATE"):
                if el.get(attr):
                    assert ISO_VN.match(el.get(attr)), (attr, el.get(attr))
    premis = xml(aip.path / "metadata/preservation/PREMIS.xml")
    for dt in premis.iterfind(".//premis:eventDateTime", NS):
        assert ISO_VN.match(dt.text), dt.text


def test_originals_are_kept_bit_for_bit_and_copies_follow_docordinal(aip, sources):
    p = aip.path / "representations"
    assert (p / "rep0/data/001/01.pdf").read_bytes() == sources["tt"].read_bytes()
    assert (p / "rep0/data/002/01.pdf").read_bytes() == sources["qd"].read_bytes()
    assert (p / "rep0/data/002/02.pdf").read_bytes() == sources["pl"].read_bytes()
    assert (p / "rep1/data/001.pdf").read_bytes() == sources["tt_a"].read_bytes()
    assert (p / "rep1/data/002.pdf").read_bytes() == sources["qd_a"].read_bytes()


def test_sip_and_aip_differ_in_package_type_and_profile(sources, tmp_path):
    sip = build_package(sample_content(sources), tmp_path, package_type="SIP")
    root = xml(sip.path / "METS.xml")
    assert root.find("mets:metsHdr", NS).get(f"{{{CSIP_NS}}}OAISPACKAGETYPE") == "SIP"
    assert root.get("PROFILE") == "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
    assert sip.package_type == "SIP"


def test_a_new_version_gets_a_new_objid_that_references_the_previous_one(aip, sources, tmp_path):
    v2 = build_package(sample_content(sources, previous_package_id=aip.package_id), tmp_path)
    assert v2.package_id != aip.package_id
    hdr = xml(v2.path / "METS.xml").find("mets:metsHdr", NS)
    assert hdr.findtext("mets:altRecordID[@TYPE='PREVIOUSVERSION']", namespaces=NS) == aip.package_id
    premis = xml(v2.path / "metadata/preservation/PREMIS.xml")
    related = premis.findtext("premis:object/premis:relationship/premis:relatedObjectIdentifier/"
                              "premis:relatedObjectIdentifierValue", namespaces=NS)
    assert related == aip.package_id


def test_declared_checksum_that_the_file_does_not_have_is_refused_and_nothing_is_written(sources, tmp_path):
    content = sample_content(sources)
    content.documents[0].originals[0].sha256 = "0" * 64
    with pytest.raises(InvalidPackageContent, match="declared sha256"):
        build_package(content, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_documents_not_matching_the_dossier_are_refused(sources, tmp_path):
    content = sample_content(sources)
    content.documents.pop()
    with pytest.raises(InvalidPackageContent, match="DocOrdinal"):
        build_package(content, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_events_naming_unknown_objects_are_refused(sources, tmp_path):
    content = sample_content(sources)
    content.events[0].object_ids = ["rep0-doc009-file01"]
    with pytest.raises(InvalidPackageContent, match="unknown package objects"):
        build_package(content, tmp_path)


def test_declared_facts_come_from_the_bytes(aip, sources):
    assert aip.files["representations/rep0/data/001/01.pdf"] == facts(sources["tt"])[0]


def test_a_document_without_preservation_copy_is_kept_as_original_and_still_described(sources, tmp_path):
    content = sample_content(sources)
    content.documents[1].preservation = None          # e.g. a signed PDF kept only as its original
    pkg = build_package(content, tmp_path).path
    assert sorted(x.name for x in (pkg / "representations/rep1/data").iterdir()) == ["001.pdf"]
    assert sorted(x.name for x in (pkg / "representations/rep1/metadata/descriptive").iterdir()) == ["001.xml",
                                                                                                      "002.xml"]
    assert (pkg / "representations/rep0/data/002/01.pdf").is_file()
    assert validate_package(pkg).errors == [] and validate_xml_against_shipped_xsds(pkg) == []


def test_an_original_with_a_vietnamese_file_name_is_stored_under_a_plain_name_and_keeps_its_name(sources, tmp_path):
    content = sample_content(sources)
    content.documents[0].originals[0].name = "files/Công văn số 2849.PDF"
    pkg = build_package(content, tmp_path).path
    assert (pkg / "representations/rep0/data/001/01.pdf").is_file()
    premis = xml(pkg / "metadata/preservation/PREMIS.xml")
    assert "files/Công văn số 2849.PDF" in [n.text for n in premis.iterfind(".//premis:originalName", NS)]


# -- the package's events, decided before anything is written ------------------------------------

CREATED = datetime(2024, 5, 6, 7, 8, 9, tzinfo=VIETNAM)


def _file(fid: str) -> PackageFile:
    return PackageFile(fid, f"representations/rep0/data/{fid}.pdf", "a" * 64, 1, "application/pdf", CREATED, 1)


@pytest.mark.parametrize("ptype, given, added", [
    ("AIP", [], ["ingestion", "fixity check"]),                            # the builder states the ingestion
    ("AIP", [("ingestion", ["o1"])], ["fixity check"]),                    # one came with it: not a second
    ("SIP", [], ["fixity check"]),                                         # a SIP is not ingested yet
    ("SIP", [("validation", ["o1", "o2"])], ["fixity check"]),
])
def test_close_events_adds_what_the_builder_states_and_links_every_file(ptype, given, added):
    events = Events("000.00.00.H41", "Sở Nội vụ")
    for kind, ids in given:
        events.add(PackageEvent(kind, CREATED), ids)
    files = [_file("o1"), _file("o2")]
    close_events(events, files, ptype, "H41.2021.01", CREATED)
    assert [r.event.type for r in events.records] == [kind for kind, _ in given] + added
    for f in files:
        assert f.event_ids == [r.id for r in events.records if f.id in r.object_ids]
        assert [r.event.type for r in events.records if r.id in f.event_ids][-1] == "fixity check"


def test_close_events_refuses_an_event_naming_an_object_the_package_lacks():
    events = Events("000.00.00.H41", "Sở Nội vụ")
    events.add(PackageEvent("validation", CREATED), ["o1", "ghost"])
    with pytest.raises(InvalidPackageContent, match="ghost"):
        close_events(events, [_file("o1")], "AIP", "H41.2021.01", CREATED)


@pytest.mark.parametrize("copies, expected", [
    ([False, False], ORIGINAL_REP),        # nothing converted: the originals carry the descriptions
    ([False, True], PRESERVATION_REP),     # one copy is enough: every description goes with rep1
    ([True, True], PRESERVATION_REP),
])
def test_document_descriptions_go_with_the_copies_when_there_are_any(copies, expected, tmp_path):
    pdf = tmp_path / "x.pdf"
    documents = [DocumentContent(i, [], PreservationCopy(pdf, "a" * 64, 1, "ocrmypdf", "16", True) if has else None)
                 for i, has in enumerate(copies, 1)]
    assert described_representation(documents) == expected

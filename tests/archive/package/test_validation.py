"""Packages pass eark-validator (offline) and validate against the XSDs they ship."""
from __future__ import annotations

import urllib.request

import pytest
from lxml import etree

from archive.package import build_package, validate_package, validate_xml_against_shipped_xsds
from archive.package.eark import VOCABULARY_DIR, VOCABULARY_URL, _offline_urlopen
from tests.archive.package.conftest import sample_content


def test_aip_passes_the_eark_validator_with_no_errors(aip):
    report = validate_package(aip.path)
    assert report.errors == [], report.summary()
    assert report.valid and report.conformant


def test_sip_meets_every_csip_rule_and_fails_only_the_validators_self_contradicting_sip14(sources, tmp_path):
    # SIP14 cannot be met by any METS-valid package: see archive.package.eark.SELF_CONTRADICTORY_RULES
    sip = build_package(sample_content(sources), tmp_path, package_type="SIP")
    report = validate_package(sip.path)
    assert {f.rule_id for f in report.errors} == {"SIP14"}, report.summary()
    assert report.conformant and not report.valid


def test_the_validator_really_checks_a_damaged_mets(fresh_aip):
    mets = fresh_aip.path / "METS.xml"
    mets.write_text(mets.read_text(encoding="utf-8").replace('LABEL="CSIP"', 'LABEL="OTHER"'), encoding="utf-8")
    assert "CSIP82" in {f.rule_id for f in validate_package(fresh_aip.path).errors}


def test_a_package_the_validator_cannot_process_is_reported_not_raised(fresh_aip):
    mets = fresh_aip.path / "METS.xml"
    tree = etree.parse(str(mets))
    for f in tree.iter("{http://www.loc.gov/METS/}file"):
        del f.attrib["CHECKSUM"]
    tree.write(str(mets))
    report = validate_package(fresh_aip.path)
    assert not report.valid and report.errors[0].rule_id == "EARK-VALIDATOR"


def test_vocabularies_are_served_from_the_vendored_copies_without_network():
    def no_network(url, *a, **kw):
        raise AssertionError(f"network access to {url}")
    urlopen = _offline_urlopen(no_network)
    for name in ("CSIPVocabularyContentCategory.xml", "CSIPVocabularyContentInformationType.xml",
                 "CSIPVocabularyOAISPackageType.xml", "CSIPVocabularyStatus.xml"):
        assert urlopen(VOCABULARY_URL + name).read() == (VOCABULARY_DIR / name).read_bytes()
    with pytest.raises(AssertionError, match="network access"):
        urlopen("https://example.org/other.xml")
    assert urllib.request.urlopen is not urlopen


def test_every_xml_file_validates_against_the_xsds_in_its_own_schemas_folder(aip):
    assert validate_xml_against_shipped_xsds(aip.path) == []
    assert len(list(aip.path.rglob("*.xml"))) == 8


def test_an_xml_file_breaking_its_schema_is_reported(fresh_aip):
    ead = fresh_aip.path / "metadata/descriptive/EAD.xml"
    ead.write_text(ead.read_text(encoding="utf-8").replace('level="file"', 'level="dossier"'), encoding="utf-8")
    problems = validate_xml_against_shipped_xsds(fresh_aip.path)
    assert [p.file for p in problems] == ["metadata/descriptive/EAD.xml"]


def test_a_schema_missing_from_the_package_is_reported(fresh_aip):
    (fresh_aip.path / "schemas/premis-v3-0.xsd").unlink()
    problems = validate_xml_against_shipped_xsds(fresh_aip.path)
    assert [p.file for p in problems] == ["metadata/preservation/PREMIS.xml"]
    assert "not shipped" in problems[0].message

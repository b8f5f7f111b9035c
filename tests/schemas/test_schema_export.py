"""The published schemas: the XSD states the decree's names, types and lengths; JSON Schema too."""
from __future__ import annotations

import json

import jsonschema
import pytest
from lxml import etree
from typer.testing import CliRunner

from api.cli.app import app
from schemas.examples import EXAMPLE_MANIFEST_XML, example_raw
from schemas.fields import DOCUMENT, DOSSIER, GROUPS
from schemas.jsonschema import dossier_json_schema
from schemas.manifest import NS, XSD_PATH, xml_schema

XS = "{http://www.w3.org/2001/XMLSchema}"


def _xsd() -> etree._Element:
    return etree.parse(str(XSD_PATH)).getroot()


def _declared(type_name: str) -> dict[str, str]:
    """Element name -> type name, for one complex type of the XSD."""
    ct = _xsd().find(f"{XS}complexType[@name='{type_name}']")
    return {e.get("name"): e.get("type").split(":")[1] for e in ct.iter(f"{XS}element")}


@pytest.mark.parametrize("type_name, specs", [("Dossier", DOSSIER), ("Document", DOCUMENT),
                                              ("FileCode", GROUPS["FileCode"]), ("SignerInfo", GROUPS["SignerInfo"]),
                                              ("Recipient", GROUPS["To"])])
def test_xsd_declares_every_field_with_the_decree_type_and_length(type_name, specs):
    declared = _declared(type_name)
    for spec in specs:
        expected = {"string": f"String{spec.max}", "number": f"Number{spec.max}", "date": "Date",
                    "longtext": "string"}.get(spec.kind)
        assert spec.name in declared
        if expected:
            assert declared[spec.name] == expected, spec.name


def test_xsd_accepts_the_specification_example():
    assert xml_schema().validate(etree.fromstring(EXAMPLE_MANIFEST_XML.encode()))


def test_xsd_refuses_elements_in_another_order():
    text = EXAMPLE_MANIFEST_XML.replace("<Rights>Công khai</Rights>", "").replace(
        "<Creator>", "<Rights>Công khai</Rights><Creator>").replace("<Maintenance>Vĩnh viễn</Maintenance>", "")
    text = text.replace("<Creator>", "<Maintenance>Vĩnh viễn</Maintenance><Creator>", 1)
    assert not xml_schema().validate(etree.fromstring(text.encode()))


def test_json_schema_accepts_the_example_in_json_form():
    raw = example_raw()
    for d in raw["Documents"]:
        d["files"] = [{"path": d.pop("file"), "role": "main"}]
    as_json = json.loads(json.dumps(raw))
    for key in ("FileCatalog",):
        as_json["FileCode"][key] = int(as_json["FileCode"][key])
    for d in as_json["Documents"]:
        for key in ("DocOrdinal", "Priority", "ArrivalNumber", "IssuedAmount"):
            if key in d:
                d[key] = int(d[key])
    jsonschema.validate(as_json, dossier_json_schema())


def test_json_schema_refuses_unknown_keys():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"FileCode": {}, "RetentionPeriod": "x"}, dossier_json_schema())


def test_schema_command_prints_xsd_and_json_schema():
    import api.cli.schema  # noqa: F401  (registers the command)
    runner = CliRunner()
    xsd = runner.invoke(app, ["schema", "--format", "xsd"])
    assert xsd.exit_code == 0 and f'targetNamespace="{NS}"' in xsd.output
    js = runner.invoke(app, ["schema", "--format", "json"])
    assert js.exit_code == 0 and "IssuedDate" in json.loads(js.output)["$defs"]["Document"]["properties"]

"""``luutru schema``: print the published manifest schema (XSD or JSON Schema)."""
from __future__ import annotations

from enum import Enum

import typer

from api.cli.app import app
from schemas.jsonschema import dossier_json_schema_text
from schemas.manifest import XSD_PATH


class SchemaFormat(str, Enum):
    xsd = "xsd"
    json = "json"


@app.command()
def schema(format: SchemaFormat = typer.Option(SchemaFormat.xsd, "--format", help="xsd | json")) -> None:
    """In lược đồ tệp kê khai hồ sơ (XSD cho hoso.xml, JSON Schema cho hoso.json)."""
    text = XSD_PATH.read_text(encoding="utf-8") if format is SchemaFormat.xsd else dossier_json_schema_text()
    typer.echo(text)

"""The example manifest of the submission specification (docs: manifest.md), verbatim.

Used by the tests (it must validate), the benchmark (it is the template of generated
dossiers) and anyone who wants a known-good manifest to start from.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from schemas.manifest import parse_xml

EXAMPLE_FILES = ("files/tt-2849.pdf", "files/qd-04-2021.pdf")

EXAMPLE_MANIFEST_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<Dossier xmlns="urn:luutru:dossier:1">
  <FileCode>
    <OrganId>000.00.00.H41</OrganId>
    <FileCatalog>2021</FileCatalog>
    <FileNotation>01.VP</FileNotation>
  </FileCode>
  <Title>Hồ sơ ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử</Title>
  <Maintenance>Vĩnh viễn</Maintenance>
  <Rights>Công khai</Rights>
  <Creator>Nguyễn Thị Lan</Creator>
  <Language>vie</Language>
  <StartDate>2020-11-26</StartDate>
  <EndDate>2021-03-15</EndDate>
  <Description>Gồm tờ trình, dự thảo và quyết định ban hành.</Description>
  <Documents>
    <Document direction="incoming" file="files/tt-2849.pdf">
      <DocOrdinal>1</DocOrdinal>
      <TypeName>Công văn</TypeName>
      <CodeNumber>2849</CodeNumber>
      <CodeNotation>STTTT-CNTT</CodeNotation>
      <IssuedDate>2020-11-26</IssuedDate>
      <OrganName>Sở Thông tin và Truyền thông tỉnh Khánh Hòa</OrganName>
      <Subject>Đề nghị ban hành Quy định trao đổi văn bản điện tử</Subject>
      <Language>vie</Language>
      <ArrivalDate>2020-11-27</ArrivalDate>
      <ArrivalNumber>1532</ArrivalNumber>
      <SignerInfo><Position>Giám đốc</Position><FullName>Trần Văn A</FullName></SignerInfo>
      <Priority>0</Priority>
      <ToPlaces>Văn phòng UBND tỉnh</ToPlaces>
    </Document>
    <Document direction="outgoing" file="files/qd-04-2021.pdf">
      <DocOrdinal>2</DocOrdinal>
      <TypeName>Quyết định</TypeName>
      <CodeNumber>04</CodeNumber>
      <CodeNotation>2021/QĐ-UBND</CodeNotation>
      <IssuedDate>2021-03-15</IssuedDate>
      <OrganName>Ủy ban nhân dân tỉnh Khánh Hòa</OrganName>
      <Subject>Ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử trong hoạt động của cơ quan nhà nước tỉnh Khánh Hòa</Subject>
      <Language>vie</Language>
      <SignerInfo><Position>Chủ tịch</Position><FullName>Đinh Văn Thiệu</FullName></SignerInfo>
      <To><OrganName>Văn phòng Chính phủ</OrganName></To>
      <To><OrganName>Sở Nội vụ</OrganName></To>
      <Priority>0</Priority>
      <IssuedAmount>60</IssuedAmount>
    </Document>
  </Documents>
</Dossier>
"""


@lru_cache(maxsize=1)
def _example_raw() -> dict[str, Any]:
    return parse_xml(EXAMPLE_MANIFEST_XML.encode()).raw


def example_raw() -> dict[str, Any]:
    """The example as the raw dict a manifest reads into (a fresh copy: mutate freely)."""
    return copy.deepcopy(_example_raw())

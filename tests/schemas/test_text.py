"""Text must be Unicode NFC; TCVN3 and VNI mojibake is refused with the converted text offered."""
from __future__ import annotations

import unicodedata

import pytest

from schemas.legacy_encoding import detect, tcvn3_to_unicode, vni_to_unicode
from tests.schemas.builders import check, codes, doc


@pytest.mark.parametrize("legacy, unicode", [
    ("QuyÕt ®Þnh", "Quyết định"),
    ("Hå s¬ ban hµnh Quy ®Þnh trao ®æi v¨n b¶n ®iÖn tö", "Hồ sơ ban hành Quy định trao đổi văn bản điện tử"),
    ("Uû ban nh©n d©n tØnh Kh¸nh Hßa", "Uỷ ban nhân dân tỉnh Khánh Hòa"),
    ("Tr­êng häc", "Trường học"),
])
def test_tcvn3_text_is_detected_and_converted(legacy, unicode):
    found = detect(legacy)
    assert (found.encoding, found.converted) == ("TCVN3", unicode)


def test_tcvn3_sample_of_the_specification_is_detected():
    # metadata.md writes "Quy¸t ®Þnh"; in TCVN3 "¸" is "á", so the faithful conversion is "Quyát định"
    found = detect("Quy¸t ®Þnh")
    assert (found.encoding, found.converted) == ("TCVN3", "Quyát định")


@pytest.mark.parametrize("legacy, unicode", [
    ("Quyeát ñònh", "Quyết định"),
    ("Nguyeãn Thò Lan", "Nguyễn Thị Lan"),
    ("UÛY BAN NHAÂN DAÂN TÆNH KHAÙNH HOØA", "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA"),
    ("Tôø trình veà vieäc ban haønh", "Tờ trình về việc ban hành"),
    ("Sôû Thoâng tin vaø Truyeàn thoâng", "Sở Thông tin và Truyền thông"),
])
def test_vni_text_is_detected_and_converted(legacy, unicode):
    found = detect(legacy)
    assert (found.encoding, found.converted) == ("VNI", unicode)


@pytest.mark.parametrize("text", ["Quyết định", "Công khai", "Khánh Hòa", "Hoà bình", "Công ty ABC®", "España",
                                  "Müller", "Báo cáo tổng kết", "UBND-VP", "2021/QĐ-UBND", "Tiếng Việt"])
def test_unicode_and_foreign_text_is_not_taken_for_legacy(text):
    assert detect(text) is None


def test_conversion_tables_cover_every_vietnamese_letter():
    letters = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
    tones = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
    every = {unicodedata.normalize("NFC", b + t) for b in letters for t in tones} | {"đ", "Đ"}
    vni = {vni_to_unicode(k) for k in __import__("schemas.legacy_encoding", fromlist=["VNI"]).VNI}
    assert every <= vni | set("aeiouyAEIOUY")
    lower = {c for c in every if c.islower()}
    tcvn3 = set(tcvn3_to_unicode("".join(__import__("schemas.legacy_encoding", fromlist=["TCVN3"]).TCVN3)))
    assert lower <= tcvn3 | set("aeiouy")


def test_title_typed_in_tcvn3_is_refused_with_the_unicode_text_offered(raw):
    raw["Title"] = "Hå s¬ ban hµnh Quy ®Þnh trao ®æi v¨n b¶n ®iÖn tö"
    [p] = check(raw).errors
    assert (p.code, p.path, p.suggestion) == ("legacy_encoding", "Title",
                                              "Hồ sơ ban hành Quy định trao đổi văn bản điện tử")
    assert "TCVN3" in p.message_vi and p.suggestion in p.message_vi


def test_signer_typed_in_vni_is_refused_with_the_unicode_text_offered(raw):
    doc(raw, 2)["SignerInfo"]["FullName"] = "Ñinh Vaên Thieäu"
    [p] = check(raw).errors
    assert (p.code, p.path, p.suggestion) == ("legacy_encoding", "Documents/Document[2]/SignerInfo/FullName",
                                              "Đinh Văn Thiệu")


def test_decomposed_text_is_warned_with_the_nfc_text_offered(raw):
    raw["Title"] = unicodedata.normalize("NFD", raw["Title"])
    report = check(raw)
    assert report.valid
    [p] = report.warnings
    assert (p.code, p.suggestion) == ("text_not_nfc", unicodedata.normalize("NFC", raw["Title"]))
    assert report.dossier.Title == p.suggestion                  # stored in NFC


def test_nfd_length_is_judged_on_the_nfc_text(raw):
    raw["FileCode"]["FileNotation"] = unicodedata.normalize("NFD", "Quyết định số 1234")   # 18 chars in NFC
    assert codes(check(raw)) == {"text_not_nfc"}

"""Code lists are data files; an administrator's folder replaces a default list of the same name."""
from __future__ import annotations

from archive.settings import Settings, load_codelists
from schemas.codelists import DEFAULT_DIR
from tests.schemas.builders import check, codes


def test_default_code_lists_hold_the_decree_values():
    cl = load_codelists(Settings(codelists_dir=None))
    assert cl.retention_period("Vĩnh viễn").permanent
    assert cl.retention_period("70 năm").years == 70
    assert cl.retention_period("Theo tuổi thọ công trình").event
    assert set(cl.rights.values()) == {"Công khai", "Hạn chế"}
    assert cl.priorities == {0: "Thường", 1: "Khẩn", 2: "Thượng khẩn", 3: "Hỏa tốc"}
    assert cl.languages["vie"] == "Tiếng Việt"
    assert (cl.abbreviation("Quyết định"), cl.abbreviation("Quy định"), cl.abbreviation("Công văn")) == ("QĐ", "QyĐ", "")


def test_administrator_can_extend_a_code_list(tmp_path, raw):
    default = (DEFAULT_DIR / "retention.csv").read_text(encoding="utf-8")
    (tmp_path / "retention.csv").write_text(default + "15 năm,15,\n", encoding="utf-8")
    raw["Maintenance"] = "15 năm"
    assert codes(check(raw, settings=Settings())) == {"code_list"}
    assert check(raw, settings=Settings(codelists_dir=tmp_path)).valid


def test_lists_not_overridden_keep_their_defaults(tmp_path):
    (tmp_path / "rights.csv").write_text("value,description\nCông khai,\n", encoding="utf-8")
    cl = load_codelists(Settings(codelists_dir=tmp_path))
    assert set(cl.rights.values()) == {"Công khai"}
    defaults = load_codelists(Settings(codelists_dir=None))
    assert cl.retention == defaults.retention and cl.retention_period("Vĩnh viễn").permanent
    assert cl.priorities == defaults.priorities and cl.languages == defaults.languages

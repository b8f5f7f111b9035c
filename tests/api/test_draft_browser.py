"""The /draft page in headless Chromium: an archivist uploads three documents, sees the fields
read off them (the doubtful ones highlighted), corrects one, fills the dossier, watches the live
check turn valid, submits, and the dossier is archived with the corrected value."""
from __future__ import annotations

from tests.api.conftest import SAMPLES
from tests.api.test_browser import _login, browser, page, server  # noqa: F401  (fixtures)
from tests.api.test_browser_walks import ENGLISH

SOURCE = SAMPLES / "ubnd-2021-01vp-ban-hanh-quy-dinh-vbdt" / "files"
DOCUMENTS = ("cv-2849-stttt-cntt.pdf", "bc-12-stp-tham-dinh.pdf", "qd-04-2021-qd-ubnd.pdf")


def test_archivist_drafts_a_dossier_from_three_documents_and_archives_it(page, server, archive):  # noqa: F811
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, server, "archivist_a")
    page.click("text=Lập hồ sơ")
    page.wait_for_url(f"{server}/draft")
    page.set_input_files("#upload-form input[type=file]", [str(SOURCE / n) for n in DOCUMENTS])
    page.click("text=Đọc văn bản")
    page.wait_for_selector("#read-status.ok", timeout=120_000)
    assert page.locator(".draft-doc").count() == 3
    qd = page.locator(".draft-doc[data-file='qd-04-2021-qd-ubnd.pdf']")
    assert qd.locator("input[name=CodeNotation]").input_value() == "2021/QĐ-UBND"
    assert qd.locator("input[name='SignerInfo.Position']").input_value() == "Chủ tịch"
    assert "trang 1" in qd.locator("input[name=CodeNotation]").get_attribute("title")
    qd.locator("input[name=CodeNotation]").focus()            # the page region it was read from is shown
    region = qd.locator("img.region")
    region.wait_for(state="visible")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=region.element_handle())
    page.wait_for_selector("#check-status.error")            # dossier fields still empty: not valid yet
    assert page.locator("#submit-draft").is_disabled()
    assert not ENGLISH.findall(page.inner_text("body")) and not errors

    subject = page.locator(".draft-doc[data-file='cv-2849-stttt-cntt.pdf'] input[name=Subject]")
    subject.fill("Đề nghị ban hành Quy định văn bản điện tử (sửa trên trang)")
    page.fill("input[name=Title]", "Hồ sơ lập trên trang: ban hành Quy định văn bản điện tử")
    page.fill("input[name=FileNotation]", "32.VP")
    page.select_option("select[name=Maintenance]", "Vĩnh viễn")
    page.select_option("select[name=Rights]", "Công khai")
    page.fill("input[name=Creator]", "Nguyễn Thị Lan")
    page.wait_for_selector("#check-status.ok")
    page.click("#submit-draft")
    page.wait_for_selector("#status.ok", timeout=240_000)
    code = page.inner_text("#status a")
    documents = page.request.get(f"{server}/api/v1/dossiers/{code}/documents").json()
    assert documents[0]["fields"]["Subject"] == "Đề nghị ban hành Quy định văn bản điện tử (sửa trên trang)"

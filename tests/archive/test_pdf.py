from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from archive.pdf import FONT, FONT_DIR, PdfDocument, write_pdf
from archive import poppler


def test_vietnamese_pdf_is_written_even_when_the_regular_face_was_registered_alone(tmp_path):
    # other code (a test's PDF maker) may register DejaVuSans without its bold face first
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    out = write_pdf(PdfDocument(title="MỤC LỤC HỒ SƠ NỘP LƯU", lines=["Biên bản giao nhận"]), tmp_path / "m.pdf")
    assert "MỤC LỤC HỒ SƠ NỘP LƯU" in poppler.text(out)

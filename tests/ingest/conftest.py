"""Inputs for the preservation-action tests, generated here (ReportLab + DejaVu, Pillow,
python-docx, openpyxl, pikepdf, pyHanko) so every test states what it starts from."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
VIETNAMESE = "Quyết định về việc ban hành Quy chế công tác văn thư, lưu trữ của Ủy ban nhân dân tỉnh Khánh Hòa"
SCAN_LINES = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Quyết định về việc lưu trữ hồ sơ")
REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = REPO_ROOT.parent / "shared" / "verapdf-corpus" / "PDF_A-2b"


def make_text_pdf(path: Path, text: str = VIETNAMESE) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
    page = canvas.Canvas(str(path))
    page.setFont("DejaVuSans", 11)
    words = text.split()
    # Two lines, so the whole sentence fits inside the page.
    page.drawString(50, 760, " ".join(words[: len(words) // 2]))
    page.drawString(50, 744, " ".join(words[len(words) // 2:]))
    page.save()
    return path


def scan_image(pages: int = 1) -> list[Image.Image]:
    font = ImageFont.truetype(str(DEJAVU), 44)
    images = []
    for number in range(pages):
        img = Image.new("L", (2000, 600), 255)
        draw = ImageDraw.Draw(img)
        for row, line in enumerate(SCAN_LINES):
            draw.text((80, 80 + row * 110), line, font=font, fill=0)
        draw.text((80, 430), f"Trang {number + 1}", font=font, fill=0)
        images.append(img)
    return images


@pytest.fixture
def text_pdf(tmp_path: Path) -> Path:
    return make_text_pdf(tmp_path / "quyet-dinh.pdf")


@pytest.fixture
def scan_png(tmp_path: Path) -> Path:
    path = tmp_path / "scan.png"
    scan_image()[0].save(path, dpi=(300, 300))
    return path


@pytest.fixture
def encrypted_pdf(tmp_path: Path, text_pdf: Path) -> Path:
    path = tmp_path / "encrypted.pdf"
    with pikepdf.open(text_pdf) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="chu-so-huu", user="mat-khau"))
    return path


@pytest.fixture
def self_signed(tmp_path: Path):
    """A throwaway signer: (pyHanko signer, its certificate as asn1crypto)."""
    from asn1crypto import keys, x509
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.sign import signers

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "Văn thư Sở Nội vụ (thử nghiệm)")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        cx509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(cx509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(cx509.KeyUsage(True, True, False, False, False, True, False, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    asn1_cert = x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    asn1_key = keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return signers.SimpleSigner(signing_cert=asn1_cert, signing_key=asn1_key, cert_registry=None), asn1_cert


@pytest.fixture
def signed_pdf(tmp_path: Path, text_pdf: Path, self_signed) -> Path:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer, _ = self_signed
    path = tmp_path / "signed.pdf"
    with open(text_pdf, "rb") as source, open(path, "wb") as target:
        writer = IncrementalPdfFileWriter(source)
        signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="ChuKy1"), signer=signer, output=target)
    return path

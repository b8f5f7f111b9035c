"""A sample PKI (root CA → signer) and a PDF signed with it (pyHanko)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sample_dossiers.documents import ORGANS, Doc


@dataclass
class TrustMaterial:
    ca_pem: bytes
    signer: object          # pyhanko SimpleSigner


def make_trust() -> TrustMaterial:
    """A two-level sample PKI (CA → signer), standing in for a CA licensed by Ban Cơ yếu Chính phủ."""
    from asn1crypto import keys as asn1_keys, x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def name(cn, org):
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                          x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Khánh Hòa"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    not_before, not_after = datetime(2020, 1, 1, tzinfo=timezone.utc), datetime(2051, 1, 1, tzinfo=timezone.utc)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = name("LuuTru Sample Root CA (chỉ dùng thử nghiệm)", "LuuTru samples")
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(1).not_valid_before(not_before)
               .not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder().subject_name(name("Sở Thông tin và Truyền thông tỉnh Khánh Hòa",
                                                        "UBND tỉnh Khánh Hòa"))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    der = lambda c: c.public_bytes(serialization.Encoding.DER)  # noqa: E731
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(der(cert)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(der(ca_cert))]))
    return TrustMaterial(ca_cert.public_bytes(serialization.Encoding.PEM), signer)


def sign_pdf(path: Path, trust: TrustMaterial, doc: Doc) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    meta = signers.PdfSignatureMetadata(field_name="ChuKySo", md_algorithm="sha256",
                                        reason=f"Ký ban hành văn bản số {doc.number}/{doc.notation}",
                                        location=ORGANS[doc.organ].place, name=doc.signer[2] if doc.signer else None)
    with path.open("rb") as fh:
        writer = IncrementalPdfFileWriter(io.BytesIO(fh.read()))
        out = signers.PdfSigner(meta, signer=trust.signer).sign_pdf(writer)
    path.write_bytes(out.getvalue())

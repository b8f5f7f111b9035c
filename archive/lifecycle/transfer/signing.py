"""The historical archive's signature on a transfer acknowledgement (detached, ``cryptography``).

The receiving archive signs the acknowledgement's exact bytes with its private key
(Settings.transfer_signing_key, EC or RSA, PEM) into a detached ``.sig`` file (base64 of
the signature); the sending agency verifies it with the archive's X.509 certificate
(Settings.transfer_receiver_certificate), which must be valid at verification time.
"""
from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from archive.clock import utcnow
from archive.errors import AcknowledgementRejected, SigningKeyMissing


def _read(path: Path | None, what: str) -> bytes:
    if path is None:
        raise SigningKeyMissing(f"{what} is not configured")
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SigningKeyMissing(f"{what} {path} cannot be read: {exc}") from exc


def signing_key(key_path: Path | None) -> ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey:
    """The PEM private key at ``key_path`` (loaded before any work, so a missing key stops early)."""
    try:
        key = serialization.load_pem_private_key(_read(key_path, "transfer signing key"), password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyMissing(f"transfer signing key {key_path} is not an unencrypted PEM key") from exc
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
        raise SigningKeyMissing(f"transfer signing key {key_path} is neither EC nor RSA")
    return key


def sign(data: bytes, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    """Base64 of the signature of ``data`` by ``key``."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(data, ec.ECDSA(hashes.SHA256()))
    else:
        signature = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature) + b"\n"


def load_certificate(path: Path | None, what: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(_read(path, what))
    except ValueError as exc:
        raise SigningKeyMissing(f"{what} {path} is not a PEM certificate") from exc


def verify(data: bytes, signature_b64: bytes, cert_path: Path | None) -> str:
    """The signer's subject if ``signature_b64`` is a valid signature of ``data`` by the
    certificate's key; AcknowledgementRejected otherwise."""
    cert = load_certificate(cert_path, "historical archive's certificate")
    now = utcnow()
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise AcknowledgementRejected(f"the historical archive's certificate is not valid now "
                                      f"({cert.not_valid_before_utc:%Y-%m-%d}..{cert.not_valid_after_utc:%Y-%m-%d})")
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AcknowledgementRejected("the signature file is not base64") from exc
    key = cert.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            raise AcknowledgementRejected("the historical archive's certificate has neither an EC nor an RSA key")
    except InvalidSignature as exc:
        raise AcknowledgementRejected("the acknowledgement's signature does not verify against the historical "
                                      "archive's certificate (forged or altered)") from exc
    return cert.subject.rfc4514_string()


def generate_identity(common_name: str, key_path: Path, cert_path: Path, *, days: int = 3650) -> None:
    """A new EC P-256 key and a self-signed certificate for it (PEM), e.g. for a new archive
    instance or for tests; an archive in service uses a certificate from its CA instead."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = utcnow() - timedelta(minutes=5)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + timedelta(days=days))
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    Path(key_path).write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    Path(key_path).chmod(0o600)
    Path(cert_path).write_bytes(cert.public_bytes(serialization.Encoding.PEM))

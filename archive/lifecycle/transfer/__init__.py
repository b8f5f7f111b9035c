"""Transfer to the historical archive (nộp lưu vào Lưu trữ lịch sử), Decree 01/2013 Art. 7.

Public interface:
- sending agency: ``prepare_transfer(codes, out_dir, organ_id=, actor=) -> PreparedTransfer``
  (transfer folder: one E-ARK SIP per permanent dossier, transfer list XLSX/PDF, handover
  record PDF, transfer.json, BagIt SHA-256 manifests; transfer recorded as prepared);
  ``acknowledge_transfer(ack_path, actor) -> CompletedTransfer`` (verify the historical
  archive's signed acknowledgement, then mark the dossiers transferred and remove every copy).
- historical archive: ``receive_transfer(path, out_dir=, actor=) -> ReceivedTransfer``
  (check everything, archive each package, sign the acknowledgement).
- ``transfer_of(session, dossier_code)``: the transfer a dossier's stub points to.
- keys: ``archive.lifecycle.transfer.signing.generate_identity(name, key_path, cert_path)``.
"""
from archive.lifecycle.transfer.complete import CompletedTransfer, acknowledge_transfer
from archive.lifecycle.transfer.prepare import PreparedTransfer, prepare_transfer
from archive.lifecycle.transfer.receive import ReceivedTransfer, receive_transfer
from archive.lifecycle.transfer.stubs import transfer_of

__all__ = ["CompletedTransfer", "PreparedTransfer", "ReceivedTransfer", "acknowledge_transfer", "prepare_transfer",
           "receive_transfer", "transfer_of"]

"""One exception hierarchy for the whole archive.

Each kind of failure has a stable English ``code`` (used by the CLI, the API's problem
details and the audit trail), a Vietnamese message for users, a CLI exit code and an
HTTP status, so every interface reports the same cause the same way.
"""
from __future__ import annotations


class LuuTruError(Exception):
    code = "internal_error"
    message_vi = "Lỗi hệ thống."
    exit_code = 3
    http_status = 500

    def __init__(self, detail: str | None = None, *, message_vi: str | None = None, **context):
        self.detail = detail or self.__class__.__doc__ or self.code
        if message_vi:
            self.message_vi = message_vi
        self.context = context
        super().__init__(f"{self.code}: {self.detail}")

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": self.detail, "message_vi": self.message_vi, **self.context}


class UnreadableSubmission(LuuTruError):
    """The submission cannot be read at all (not a folder/ZIP, no manifest, hostile archive)."""
    code = "unreadable_submission"
    message_vi = "Không đọc được gói hồ sơ nộp vào."
    exit_code = 2
    http_status = 400

    @property
    def reason(self) -> str:
        """Why: zip_unsafe_entry, zip_bomb, zip_too_many_entries, not_a_submission, manifest_missing,
        submission_too_large."""
        return self.context.get("reason", self.code)


class InvalidDossier(LuuTruError):
    """The dossier's metadata breaks Appendix VI rules; ``report`` lists every problem."""
    code = "invalid_dossier"
    message_vi = "Hồ sơ không hợp lệ theo Phụ lục VI Nghị định 30/2020/NĐ-CP."
    exit_code = 1
    http_status = 422

    def __init__(self, report, **kw):
        self.report = report
        super().__init__(f"{len(report.errors)} error(s)", **kw)


class MissingDependency(LuuTruError):
    """An external program the archive needs is not installed."""
    code = "missing_dependency"
    message_vi = "Thiếu phần mềm cần thiết trên máy chủ."
    exit_code = 4


class ToolFailed(LuuTruError):
    """An external program (Ghostscript, LibreOffice, Tesseract, veraPDF) failed."""
    code = "tool_failed"
    message_vi = "Công cụ xử lý tài liệu bị lỗi."
    exit_code = 3


class ToolTimedOut(ToolFailed):
    """An external program ran longer than the configured limit and was stopped."""
    code = "tool_timed_out"
    message_vi = "Công cụ xử lý tài liệu chạy quá thời gian cho phép và đã bị dừng."


class EncryptedPdf(LuuTruError):
    code = "encrypted_pdf"
    message_vi = "Tệp PDF bị mã hóa, không thể lưu trữ."
    exit_code = 1
    http_status = 422


class BrokenFile(LuuTruError):
    code = "broken_file"
    message_vi = "Tệp bị hỏng, không đọc được."
    exit_code = 1
    http_status = 422


class StorageError(LuuTruError):
    code = "storage_error"
    message_vi = "Lỗi kho lưu trữ."


class ObjectExists(StorageError):
    """Archived objects are write-once; a second write to the same key is refused."""
    code = "object_exists"
    message_vi = "Đối tượng đã tồn tại trong kho, không được ghi đè."
    http_status = 409


class ObjectMissing(StorageError):
    code = "object_missing"
    message_vi = "Không tìm thấy đối tượng trong kho."
    http_status = 404


class ChecksumMismatch(StorageError):
    code = "checksum_mismatch"
    message_vi = "Mã kiểm tra (SHA-256) không khớp: dữ liệu đã bị thay đổi."


class StoredOtherBytes(ChecksumMismatch):
    """The key already holds other bytes than the ones being written; being write-once, they stay.
    Same code as its parent: to the user it is the same refusal, the class lets a caller whose
    retry legitimately differs (an audit checkpoint's time) tell it from damage in transit."""


class NotFound(LuuTruError):
    code = "not_found"
    message_vi = "Không tìm thấy."
    exit_code = 1
    http_status = 404


class Forbidden(LuuTruError):
    code = "forbidden"
    message_vi = "Bạn không có quyền truy cập."
    exit_code = 1
    http_status = 403


class SearchUnavailable(LuuTruError):
    """The search index cannot be opened or reached (backend misconfigured or down)."""
    code = "search_unavailable"
    message_vi = "Không truy cập được chỉ mục tìm kiếm."
    exit_code = 3
    http_status = 503


class InvalidSearchQuery(LuuTruError):
    """A search request is malformed (bad filter value, date range, page)."""
    code = "invalid_search_query"
    message_vi = "Yêu cầu tìm kiếm không hợp lệ."
    exit_code = 2
    http_status = 400


class ObjectLocked(StorageError):
    """The object is under S3 Object Lock retention; the store refused to delete it."""
    code = "object_locked"
    message_vi = "Đối tượng đang được khóa lưu giữ (Object Lock), không được xóa trước hạn."
    http_status = 409


class StoreUnreadable(StorageError):
    """The store answered but could not return the object's bytes (damaged data or server fault)."""
    code = "store_unreadable"
    message_vi = "Kho lưu trữ không đọc được dữ liệu của đối tượng."


class FixityFailed(StorageError):
    """A fixity check found objects that are damaged or missing; see the alarms."""
    code = "fixity_failed"
    message_vi = "Kiểm tra tính toàn vẹn phát hiện dữ liệu bị hỏng hoặc bị mất."
    exit_code = 5


class AuditChainBroken(LuuTruError):
    """An audit trail entry was edited, deleted or reordered."""
    code = "audit_chain_broken"
    message_vi = "Nhật ký kiểm tra (audit) đã bị sửa, xóa hoặc đảo thứ tự."
    exit_code = 5


class InvalidPackageContent(LuuTruError):
    """What the pipeline handed to the package builder is inconsistent (a file missing, a
    declared checksum or size the bytes do not have, documents not matching the dossier)."""
    code = "invalid_package_content"
    message_vi = "Nội dung gói tin lưu trữ không hợp lệ."
    exit_code = 1
    http_status = 422


class UnreadablePackage(LuuTruError):
    """A stored package cannot be read back (METS or metadata missing or malformed)."""
    code = "unreadable_package"
    message_vi = "Không đọc được gói tin lưu trữ."
    exit_code = 1
    http_status = 422


class PackageCheckFailed(LuuTruError):
    """A package failed its check: damaged bytes, CSIP rules broken or XML not valid."""
    code = "package_check_failed"
    message_vi = "Gói tin lưu trữ không đạt kiểm tra (toàn vẹn, E-ARK CSIP hoặc lược đồ XSD)."
    exit_code = 1
    http_status = 422


class NotAuthenticated(LuuTruError):
    """The request carries no valid session or API token."""
    code = "not_authenticated"
    message_vi = "Bạn cần đăng nhập."
    exit_code = 1
    http_status = 401


class InvalidCredentials(LuuTruError):
    """Wrong user name or password (which of the two is never said)."""
    code = "invalid_credentials"
    message_vi = "Tên đăng nhập hoặc mật khẩu không đúng."
    exit_code = 1
    http_status = 401


class CsrfFailed(Forbidden):
    """A form or a session-authenticated write came without the session's CSRF token."""
    code = "csrf_failed"
    message_vi = "Phiên làm việc không hợp lệ hoặc đã hết hạn, hãy tải lại trang."


class InvalidRequest(LuuTruError):
    """The request's parameters or body are malformed; ``errors`` names each one."""
    code = "invalid_request"
    message_vi = "Yêu cầu không hợp lệ."
    exit_code = 2
    http_status = 422


class SubmissionTooLarge(UnreadableSubmission):
    """An uploaded submission is larger than Settings.max_submission_bytes; nothing is kept."""
    code = "submission_too_large"
    message_vi = "Gói hồ sơ tải lên vượt quá dung lượng cho phép."
    http_status = 413


class RangeNotSatisfiable(LuuTruError):
    """A download asked for a byte range outside the file."""
    code = "range_not_satisfiable"
    message_vi = "Khoảng dữ liệu yêu cầu nằm ngoài tệp."
    exit_code = 1
    http_status = 416


class AccountExists(LuuTruError):
    """A user with this user name already exists."""
    code = "account_exists"
    message_vi = "Tên đăng nhập đã tồn tại."
    exit_code = 1
    http_status = 409


class LegalHoldActive(LuuTruError):
    """The dossier is under a legal hold (a disposal hold): it cannot be listed, approved or destroyed,
    nor transferred to the historical archive, until the hold is lifted."""
    code = "legal_hold_active"
    message_vi = "Hồ sơ đang bị phong tỏa (legal hold), không được đưa vào danh mục hủy, phê duyệt, hủy hay nộp lưu."
    exit_code = 1
    http_status = 409


class DossierNotInCustody(LuuTruError):
    """The dossier is not (or not yet) kept by this archive: destroyed (its code is a
    tombstone), transferred to the historical archive, or still being ingested. Its record is
    not changed: no hold, retention, access grant or destruction step. ``dossier_status`` says which."""
    code = "dossier_not_in_custody"
    message_vi = "Hồ sơ không do kho lưu trữ này đang lưu giữ (đã hủy, đã nộp lưu hoặc chưa lưu trữ xong)."
    exit_code = 1
    http_status = 409


# Refusals the audit trail records (the interfaces write them once the attempt has rolled back):
# who tried what they may not do, tried to change a record the archive no longer keeps, or
# tried to dispose of (destroy, transfer) a record under a legal hold.
AUDITED_REFUSALS = (Forbidden, DossierNotInCustody, LegalHoldActive)


class RetentionNotExpired(LuuTruError):
    """Only dossiers whose retention has expired may be put on a destruction list or destroyed."""
    code = "retention_not_expired"
    message_vi = "Hồ sơ chưa hết thời hạn bảo quản."
    exit_code = 1
    http_status = 409


class SameActorRefused(Forbidden):
    """The agency head who approves a destruction list must not be the archivist who prepared it."""
    code = "preparer_cannot_approve"
    message_vi = "Người lập danh mục hủy không được đồng thời là người phê duyệt."


class WrongWorkflowStage(LuuTruError):
    """The destruction list, transfer, hold or amendment is not at the stage this action needs
    (e.g. approving before the auditor's review, or another user's step just changed it)."""
    code = "wrong_workflow_stage"
    message_vi = "Chưa hoặc không còn ở bước cho phép thao tác này (có thể vừa có người khác thực hiện)."
    exit_code = 1
    http_status = 409


class DestructionIncomplete(LuuTruError):
    """After destruction something of the dossier was still found (an object, an index entry, a folder)."""
    code = "destruction_incomplete"
    message_vi = "Sau khi hủy vẫn còn dữ liệu của hồ sơ; việc hủy chưa hoàn tất."
    exit_code = 5


class NotificationFailed(LuuTruError):
    """The e-mail notice could not be sent (SMTP server unreachable or refusing)."""
    code = "notification_failed"
    message_vi = "Không gửi được thư thông báo."
    exit_code = 3


class DossierNotTransferable(LuuTruError):
    """A dossier selected for transfer is not a permanent, archived dossier of the agency
    (or is already in a transfer that is not finished)."""
    code = "dossier_not_transferable"
    message_vi = "Hồ sơ không đủ điều kiện nộp lưu vào Lưu trữ lịch sử."
    exit_code = 1
    http_status = 422


class TransferRefused(LuuTruError):
    """The receiving archive refused a transfer: a package is damaged, not E-ARK conformant,
    or its metadata is invalid; nothing of the transfer was kept."""
    code = "transfer_refused"
    message_vi = "Lưu trữ lịch sử từ chối tiếp nhận: gói tin nộp lưu không hợp lệ; không dữ liệu nào được giữ lại."
    exit_code = 1
    http_status = 422


class AcknowledgementRejected(LuuTruError):
    """A transfer acknowledgement is not signed by the historical archive or does not match the
    prepared transfer exactly; nothing was changed."""
    code = "acknowledgement_rejected"
    message_vi = "Văn bản xác nhận tiếp nhận không hợp lệ hoặc không khớp với hồ sơ nộp lưu; không có thay đổi nào."
    exit_code = 1
    http_status = 422


class SigningKeyMissing(LuuTruError):
    """The key or certificate the transfer needs is not configured or cannot be read."""
    code = "signing_key_missing"
    message_vi = "Chưa cấu hình khóa hoặc chứng thư số dùng cho việc nộp lưu."
    exit_code = 4
    http_status = 500


class TooManyLoginAttempts(LuuTruError):
    """Too many failed logins for this user name recently; logins are refused for a while."""
    code = "too_many_login_attempts"
    message_vi = "Đăng nhập sai quá nhiều lần, hãy thử lại sau ít phút."
    exit_code = 1
    http_status = 429


class FixityAlarmOpen(LuuTruError):
    """The stored copy of this file failed a fixity check and has not been repaired: it is
    not served until it is (the caller would receive damaged bytes)."""
    code = "fixity_alarm_open"
    message_vi = "Tệp đang có cảnh báo toàn vẹn dữ liệu chưa được xử lý; tạm thời không tải được."
    exit_code = 5
    http_status = 409


class AmendmentRefused(LuuTruError):
    """A new submission of an existing dossier code is refused: the dossier is destroyed (its
    code stays a tombstone), transferred, under a legal hold, on an open destruction list or
    owned by another agency. ``reason`` says which."""
    code = "amendment_refused"
    message_vi = "Không được nộp bổ sung, thay đổi hồ sơ này."
    exit_code = 1
    http_status = 409


class AmendmentPending(LuuTruError):
    """The submission changes retention, rights, dates or removes a document: it waits for the
    agency head's approval before anything of it is stored."""
    code = "amendment_pending"
    message_vi = "Thay đổi hồ sơ đang chờ lãnh đạo cơ quan phê duyệt."
    exit_code = 6
    http_status = 202


class AgencyNotRegistered(LuuTruError):
    """The agency (OrganId) is not in the archive's agency registry (``luutru agency add``): a
    staff account of it, or a dossier of it submitted for ingest."""
    code = "unknown_agency"
    message_vi = "Cơ quan chưa được đăng ký trong hệ thống."
    exit_code = 1
    http_status = 422


class StorageFull(LuuTruError):
    """A disk (work folders, uploads, the filesystem store or the catalog) is full: what was
    being written is removed, nothing is left half-written; free space and retry."""
    code = "storage_full"
    message_vi = "Hết dung lượng lưu trữ; không có dữ liệu nào bị ghi dở. Hãy giải phóng dung lượng rồi thử lại."
    exit_code = 4
    http_status = 507


def storage_full_or(exc: BaseException) -> BaseException:
    """StorageFull for a full disk or quota (ENOSPC, EDQUOT, SQLite's "database or disk is
    full"), wherever it surfaced; any other exception unchanged."""
    import errno
    seen: BaseException | None = exc
    while seen is not None:     # look through wrappers (SQLAlchemy, a tool's error)
        if isinstance(seen, StorageFull):
            return seen
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return StorageFull(f"no space left: {seen}")
        if "database or disk is full" in str(seen):
            return StorageFull(f"catalog database: {seen}")
        seen = seen.__cause__ or seen.__context__
    return exc

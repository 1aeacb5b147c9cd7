"""What document requests can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import AppError, NotFound
from app.outreach.dispatches.errors import DispatchNotFound, ResponseNotFound


class DocumentNotFound(NotFound):
    code, title = "document_not_found", "No such document, or one you may not see"


class DocumentTooLarge(AppError):
    status, code, title = 413, "document_too_large", "The document is larger than allowed"


class DocumentTypeRefused(AppError):
    status, code, title = (
        415,
        "document_type_refused",
        "Only PDF, PNG, JPEG, WebP, GIF and office documents (docx, xlsx, pptx, odt, ods) "
        "are accepted, recognized by their content",
    )


class DocumentContainerRefused(AppError):
    status, code, title = (
        415,
        "document_container_refused",
        "This office document is damaged or unsafe (too large once unpacked, too many "
        "parts, or paths outside it) and was not stored",
    )


class DocumentEmpty(AppError):
    status, code, title = 422, "document_empty", "The file is empty"


class FilenameMissing(AppError):
    status, code, title = (
        422,
        "filename_invalid",
        "Send the file's name, percent-encoded UTF-8, in the X-Filename header",
    )


class UploadIncomplete(AppError):
    status, code, title = 400, "upload_incomplete", "The upload ended before the whole file arrived"


class DocumentDamaged(AppError):
    status, code, title = (
        500,
        "document_damaged",
        "The stored document is incomplete or damaged and cannot be served",
    )


# Defined once where they belong; re-exported for this package's modules.
__all__ = ["DispatchNotFound", "ResponseNotFound"]

"""What signing requests can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import AppError, Conflict, NotFound


class SignatureNotFound(NotFound):
    code, title = "signature_not_found", "No such signature of yours on this appeal"


class ReceiptNotFound(NotFound):
    code, title = "receipt_not_found", "No signature has this receipt code"


class SigningClosed(Conflict):
    code, title = "signing_closed", "This appeal is not open for signatures now"


class TierNotAllowed(AppError):
    status, code, title = 422, "tier_not_allowed", "This appeal does not offer that tier"


class TextChanged(Conflict):
    code, title = (
        "text_changed",
        "The text open for signatures is not the one you read; read it again before signing",
    )


class AlreadySigned(Conflict):
    code, title = "already_signed", "There is already a signature for you on this appeal"


class SecondOfficerRequired(Conflict):
    code, title = (
        "second_officer_required",
        "Another representative of the organization must confirm this signature",
    )


class NothingToConfirm(Conflict):
    code, title = "nothing_to_confirm", "That signature is not waiting for a confirmation"


class SigningWindowMissing(Conflict):
    code, title = (
        "signing_window_missing",
        "Open the appeal for signatures with a signing window and custodians first",
    )


class SigningWindowExists(Conflict):
    code, title = "signing_window_exists", "This appeal already has its signing window"


class CustodiansInvalid(AppError):
    status, code, title = 422, "custodians_invalid", "The custodians named cannot hold this key"


class CustodyKeyInvalid(AppError):
    status, code, title = 422, "custody_key_invalid", "That is not a usable X25519 public key"


class WindowInvalid(AppError):
    status, code, title = 422, "signing_window_invalid", "The signing window is not possible"


class UnsealRequestNotFound(NotFound):
    code, title = "unseal_request_not_found", "No such unsealing request on this appeal"


class UnsealAlreadyApproved(Conflict):
    code, title = "unseal_already_approved", "You already approved this request"


class UnsealNotReady(Conflict):
    code, title = "unseal_not_ready", "Not enough custodians have approved this request yet"


class UnsealShareInvalid(AppError):
    status, code, title = 422, "unseal_share_invalid", "That is not a share sealed for this request"


# --- the public page -----------------------------------------------------------------------


class PublicSigningNotOffered(NotFound):
    code, title = "appeal_not_found", "No such appeal is open to public signatures"


class ProofOfWorkRefused(AppError):
    status, code, title = (
        422,
        "proof_of_work_invalid",
        "The anti-abuse check failed or expired; the page will make a new one",
    )


class SigningBusy(Conflict):
    code, title = "signing_busy", "Your signature changed while this was sent; send it again"


class CodeInvalid(AppError):
    status, code, title = (
        422,
        "code_invalid",
        "That code is wrong or no longer valid; check the latest email or ask for a new one",
    )


# --- bulk invalidation ---------------------------------------------------------------------


class ConditionMissing(AppError):
    status, code, title = (
        422,
        "condition_missing",
        "Give at least one condition: a time window, an email domain or unconfirmed only",
    )


class InvalidationChanged(Conflict):
    code, title = (
        "invalidation_changed",
        "The signatures matching this condition changed since the preview; preview again",
    )

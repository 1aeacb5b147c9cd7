"""What a passkey request can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import AppError, Conflict, NotFound, Unauthorized


class PasskeyNotFound(NotFound):
    code, title = "passkey_not_found", "No such passkey"


class PasskeyAlreadyRegistered(Conflict):
    code, title = "passkey_already_registered", "This passkey is already registered"


class NoPasskeys(Conflict):
    code, title = "no_passkeys", "No passkey is registered for this account"


class PasskeyRegistrationRejected(AppError):
    status, code, title = 400, "passkey_registration_rejected", "The passkey could not be verified"


class PasskeyRejected(Unauthorized):
    code, title = "passkey_rejected", "The passkey could not be verified"


class PasskeyUnknown(Unauthorized):
    code, title = "passkey_unknown", "This passkey is not registered here"


class SignCountRegressed(Unauthorized):
    code, title = (
        "passkey_sign_count_regressed",
        "This passkey reported an old use count; it may have been copied",
    )

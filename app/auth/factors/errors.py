"""What a second-factor change or check can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import AppError, Conflict, NotFound


class SecondFactorInvalid(AppError):
    status, code, title = 400, "second_factor_invalid", "The code is not valid"


class SecondFactorReused(AppError):
    status, code, title = (
        400,
        "second_factor_reused",
        "This code was already used: wait for the next one from your app",
    )


class NoSecondFactor(Conflict):
    code, title = "no_second_factor", "This account has no such second factor"


class TotpNotEnabled(NotFound):
    code, title = "totp_not_enabled", "No authenticator app is set up"


class TotpEnrolmentExpired(AppError):
    status, code, title = 400, "totp_enrolment_expired", "Start setting up the app again"


class LastSecondFactor(Conflict):
    code, title = (
        "last_second_factor",
        "Your role requires a second factor: add another one before removing this one",
    )

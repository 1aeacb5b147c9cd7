"""What a password or email change can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import AppError, Forbidden


class CurrentPasswordRequired(Forbidden):
    code, title = "current_password_required", "Enter your current password"


class CurrentPasswordWrong(Forbidden):
    code, title = "current_password_wrong", "The current password is not correct"


class EmailUnchanged(AppError):
    status, code, title = 422, "email_unchanged", "This is already your email address"


class EmailChangeInvalid(AppError):
    # One answer for a wrong code, an expired or used-up change, and no change at all.
    status, code, title = 400, "email_change_invalid", "The code is wrong or no longer valid"


class EmailChangeTooSoon(AppError):
    status, code, title = (
        429,
        "email_change_too_soon",
        "A code was sent a moment ago: wait a minute before asking for another",
    )

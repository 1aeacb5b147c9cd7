"""Second factors (TOTP, recovery codes) and the credentials they guard (password, email).

Services flush, never commit. Modules: ``second_factor`` (TOTP set-up and removal,
proving a factor, recovery codes, and the rules every second factor shares), ``account``
(password changes, reauthentication), ``email_change`` (email changes, confirmed from the
new address), ``errors``.
"""

from app.auth.factors.account import (
    PasswordChange,
    change_password,
    check_current_password,
    check_new_password,
    reauthenticate,
)
from app.auth.factors.email_change import (
    PendingEmailChange,
    cancel_email_change,
    confirm_email_change,
    pending_email_change,
    request_email_change,
)
from app.auth.factors.errors import (
    CurrentPasswordRequired,
    CurrentPasswordWrong,
    EmailChangeInvalid,
    EmailChangeTooSoon,
    EmailUnchanged,
    LastSecondFactor,
    NoSecondFactor,
    SecondFactorInvalid,
    TotpEnrolmentExpired,
    TotpNotEnabled,
)
from app.auth.factors.second_factor import (
    ConfirmedEnrolment,
    SecondFactorMethod,
    TotpEnrolment,
    Verification,
    confirm_totp_enrolment,
    confirmed_totp,
    regenerate_recovery_codes,
    remove_second_factor,
    remove_totp,
    require_step_up_if_enrolled,
    start_totp_enrolment,
    verify_second_factor,
)

__all__ = [
    "ConfirmedEnrolment",
    "CurrentPasswordRequired",
    "CurrentPasswordWrong",
    "EmailChangeInvalid",
    "EmailChangeTooSoon",
    "EmailUnchanged",
    "LastSecondFactor",
    "NoSecondFactor",
    "PasswordChange",
    "PendingEmailChange",
    "SecondFactorInvalid",
    "SecondFactorMethod",
    "TotpEnrolment",
    "TotpEnrolmentExpired",
    "TotpNotEnabled",
    "Verification",
    "cancel_email_change",
    "change_password",
    "check_current_password",
    "check_new_password",
    "confirm_email_change",
    "confirm_totp_enrolment",
    "confirmed_totp",
    "pending_email_change",
    "reauthenticate",
    "regenerate_recovery_codes",
    "remove_second_factor",
    "remove_totp",
    "request_email_change",
    "require_step_up_if_enrolled",
    "start_totp_enrolment",
    "verify_second_factor",
]

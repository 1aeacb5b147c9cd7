"""Second factors (TOTP, recovery codes) and the credentials they guard (password, email).

Services flush, never commit. Modules: ``second_factor`` (TOTP set-up and removal,
proving a factor, recovery codes, and the rules every second factor shares), ``account``
(password and email changes), ``errors``.
"""

from app.auth.factors.account import (
    PasswordChange,
    change_email,
    change_password,
    check_current_password,
    check_new_password,
    reauthenticate,
)
from app.auth.factors.errors import (
    CurrentPasswordRequired,
    CurrentPasswordWrong,
    EmailInvalid,
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
    "EmailInvalid",
    "EmailUnchanged",
    "LastSecondFactor",
    "NoSecondFactor",
    "PasswordChange",
    "SecondFactorInvalid",
    "SecondFactorMethod",
    "TotpEnrolment",
    "TotpEnrolmentExpired",
    "TotpNotEnabled",
    "Verification",
    "change_email",
    "change_password",
    "check_current_password",
    "check_new_password",
    "confirm_totp_enrolment",
    "confirmed_totp",
    "reauthenticate",
    "regenerate_recovery_codes",
    "remove_second_factor",
    "remove_totp",
    "require_step_up_if_enrolled",
    "start_totp_enrolment",
    "verify_second_factor",
]

from app.errors import AppError, Conflict, Forbidden, Unauthorized


class EmailAlreadyRegistered(Conflict):
    code, title = "email_taken", "An account with this email already exists"


class InvalidCredentials(Unauthorized):
    code, title = "invalid_credentials", "The email or password is not correct"


class SignInRequired(Unauthorized):
    code, title = "sign_in_required", "Sign in to continue"


class CsrfRejected(Forbidden):
    code, title = "csrf_failed", "The request lacks a valid X-CSRF-Token header"


class SecondFactorRequired(Forbidden):
    code, title = "second_factor_required", "Confirm with your second factor to continue"


class EnrolmentRequired(Forbidden):
    code, title = "enrolment_required", "Set up a second factor before anything else"


class PasswordChangeRequired(Forbidden):
    code, title = "password_change_required", "Choose a new password before continuing"


class StepUpRequired(Forbidden):
    code, title = "step_up_required", "Confirm with your second factor again for this action"


class PermissionDenied(Forbidden):
    code, title = "permission_denied", "You do not have permission for this action"


class WeakPassword(AppError):
    status, code, title = 422, "password_rejected", "The password does not meet the policy"

"""The audit vocabulary: every action the log may record, each with what it means.

``record_event`` refuses anything else (ValueError), so a typo or an ad-hoc string never
reaches the log, and the log can be read against this list. A new use case adds its member
here, in the same commit. Values are ``<entity>.<past_participle>``, lowercase;
``tests/audit/test_actions.py`` checks the form, uniqueness and that each is described.
"""

from __future__ import annotations

from enum import StrEnum, unique


@unique
class AuditAction(StrEnum):
    description: str

    def __new__(cls, value: str, description: str = "") -> AuditAction:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    # --- accounts (app/auth, app/users) -------------------------------------------------
    USER_CREATED = "user.created", "An account was created (sign-up by invitation, create-admin)."
    USER_SUSPENDED = "user.suspended", "An admin suspended an account; its sessions end."
    USER_REACTIVATED = "user.reactivated", "An admin lifted a suspension."
    USER_PASSWORD_CHANGED = "user.password_changed", "A user changed their password."
    USER_EMAIL_CHANGE_REQUESTED = (
        "user.email_change_requested",
        "A user asked to change their email; a code went to the new address.",
    )
    USER_EMAIL_CHANGE_CODE_REJECTED = (
        "user.email_change_code_rejected",
        "A wrong confirmation code was entered for a pending email change.",
    )
    USER_EMAIL_CHANGE_CANCELLED = (
        "user.email_change_cancelled",
        "A pending email change ended: cancelled, or too many wrong codes.",
    )
    USER_EMAIL_CHANGED = "user.email_changed", "A user's email address was changed."
    USER_SIGNED_IN = "user.signed_in", "A session was opened (password, passkey, SSO, invitation)."
    USER_SIGN_IN_FAILED = "user.sign_in_failed", "A sign-in attempt was refused."
    USER_SIGN_IN_THROTTLED = (
        "user.sign_in_throttled",
        "Sign-in attempts were refused by the throttle.",
    )
    USER_SECOND_FACTOR_VERIFIED = (
        "user.second_factor_verified",
        "A second factor (TOTP, recovery code, passkey) was proven.",
    )
    USER_SECOND_FACTOR_FAILED = "user.second_factor_failed", "A second factor was refused."
    USER_SECOND_FACTOR_THROTTLED = (
        "user.second_factor_throttled",
        "Second-factor attempts were refused by the throttle.",
    )
    USER_REAUTHENTICATION_FAILED = (
        "user.reauthentication_failed",
        "A step-up (re-entering the password) was refused.",
    )
    USER_REAUTHENTICATION_THROTTLED = (
        "user.reauthentication_throttled",
        "Step-up attempts were refused by the throttle.",
    )

    # --- sessions and factors (app/auth) ------------------------------------------------
    SESSION_REVOKED = "session.revoked", "One session was ended (logout or revocation)."
    SESSION_REVOKED_ALL = "session.revoked_all", "Every session of a user was ended."
    TOTP_ENROLLED = "totp.enrolled", "A user enrolled an authenticator app (TOTP)."
    TOTP_REMOVED = "totp.removed", "A user removed their authenticator app (TOTP)."
    RECOVERY_CODES_REGENERATED = (
        "recovery_codes.regenerated",
        "A user replaced their recovery codes.",
    )
    PASSKEY_REGISTERED = "passkey.registered", "A passkey was added to an account."
    PASSKEY_REGISTRATION_FAILED = (
        "passkey.registration_failed",
        "Adding a passkey was refused.",
    )
    PASSKEY_AUTHENTICATION_FAILED = (
        "passkey.authentication_failed",
        "A passkey assertion was refused.",
    )
    PASSKEY_SIGN_COUNT_REGRESSED = (
        "passkey.sign_count_regressed",
        "A passkey's signature counter went backwards: a possibly cloned authenticator.",
    )
    PASSKEY_RENAMED = "passkey.renamed", "A passkey was renamed."
    PASSKEY_REMOVED = "passkey.removed", "A passkey was removed from an account."
    SSO_IDENTITY_UNLINKED = (
        "sso_identity.unlinked",
        "A single-sign-on subject was unlinked from an account.",
    )

    # --- platform roles and admin requests (app/users, app/admin_requests) --------------
    PLATFORM_ROLE_GRANTED = "platform_role.granted", "A platform role was granted to a user."
    PLATFORM_ROLE_REVOKED = "platform_role.revoked", "A platform role was taken from a user."
    ADMIN_GRANT_REQUEST_CREATED = (
        "admin_grant_request.created",
        "An admin proposed a grant that needs a second admin (two-person rule).",
    )
    ADMIN_GRANT_REQUEST_APPROVED = (
        "admin_grant_request.approved",
        "A second admin approved a proposed grant.",
    )
    ADMIN_GRANT_REQUEST_REJECTED = (
        "admin_grant_request.rejected",
        "A proposed grant was rejected.",
    )

    # --- organizations, memberships, invitations ----------------------------------------
    ORGANIZATION_CREATED = "organization.created", "An organization was created."
    ORGANIZATION_UPDATED = "organization.updated", "An organization's details were changed."
    MEMBERSHIP_CREATED = "membership.created", "A user became a member of an organization."
    MEMBERSHIP_ROLE_CHANGED = "membership.role_changed", "A member's organization role changed."
    MEMBERSHIP_REMOVED = "membership.removed", "A member left or was removed."
    INVITATION_CREATED = "invitation.created", "An invitation was sent."
    INVITATION_RESENT = "invitation.resent", "An invitation was sent again with a new token."
    INVITATION_REVOKED = "invitation.revoked", "An invitation was withdrawn."
    INVITATION_ACCEPTED = "invitation.accepted", "An invitation was accepted."

    # --- appeals (app/appeals); every one targets the appeal, so its Activity can list them
    APPEAL_CREATED = "appeal.created", "An appeal was started by its lead organization."
    APPEAL_REVISED = "appeal.revised", "A new revision of an appeal's text was saved."
    APPEAL_STATE_CHANGED = "appeal.state_changed", "An appeal moved in its lifecycle."
    APPEAL_APPROVED = "appeal.approved", "An organization approved one exact revision."
    APPEAL_CO_AUTHOR_INVITED = (
        "appeal.co_author_invited",
        "The lead invited an organization to co-author an appeal.",
    )
    APPEAL_CO_AUTHOR_DECIDED = (
        "appeal.co_author_decided",
        "An organization accepted, declined or left co-authoring an appeal.",
    )
    APPEAL_EDITOR_ADDED = "appeal.editor_added", "The lead named a person to edit an appeal."
    APPEAL_EDITOR_REMOVED = "appeal.editor_removed", "A named editor of an appeal was removed."
    APPEAL_COMMENTED = "appeal.commented", "A comment or reply was added to an appeal."
    APPEAL_COMMENT_RESOLVED = (
        "appeal.comment_resolved",
        "A comment thread was resolved or reopened.",
    )
    APPEAL_SUGGESTED = "appeal.suggested", "A change to an appeal's text was suggested."
    APPEAL_SUGGESTION_DECIDED = (
        "appeal.suggestion_decided",
        "A suggestion was accepted (becoming a revision) or rejected.",
    )
    APPEAL_TRANSLATION_CREATED = (
        "appeal.translation_created",
        "A translation of an appeal into another language was started.",
    )
    APPEAL_TRANSLATION_REVISED = (
        "appeal.translation_revised",
        "A new revision of a translation was saved.",
    )
    APPEAL_TRANSLATION_APPROVED = (
        "appeal.translation_approved",
        "One exact revision of a translation was approved.",
    )

    SIGNING_OPENED = (
        "signing.opened",
        "A coordinator opened an appeal for signatures: its window and custodians.",
    )
    SIGNING_ENDED = (
        "signing.ended",
        "Signing ended; the links from people to withheld and counted signatures were erased.",
    )
    SIGNATURE_WITHDRAWN = (
        "signature.withdrawn",
        "A signature was withdrawn (never recorded: whose).",
    )
    UNSEAL_REQUESTED = (
        "unseal.requested",
        "A custodian asked to read an appeal's sealed identities (with a reason).",
    )
    UNSEAL_APPROVED = (
        "unseal.approved",
        "A custodian gave their share to an unsealing request (sealed to the requester).",
    )
    UNSEAL_OPENED = (
        "unseal.opened",
        "The requester fetched the shares and sealed identities to open them in their browser.",
    )
    SIGNATURES_INVALIDATED = (
        "signatures.invalidated",
        "A coordinator invalidated an appeal's signatures matching a condition, with a reason.",
    )
    SIGNATURES_EXPORTED = (
        "signatures.exported",
        "The public signatures of an appeal were exported as CSV.",
    )
    UNSEAL_OPENED_OFFLINE = (
        "unseal.opened_offline",
        "Custodians opened an appeal's sealed identities offline with their key files.",
    )
    CUSTODY_KEY_SET = "custody_key.set", "A person set up or replaced their custody public key."

    # --- outreach: the public tracker ---------------------------------------------------
    TRACKER_PUBLISHED = (
        "tracker.published",
        "A coordinator published an appeal's tracker: its text, public signatories, counts "
        "and the recipients' status are public.",
    )
    TRACKER_UNPUBLISHED = "tracker.unpublished", "A coordinator took an appeal's tracker down."

    # --- outreach documents (app/outreach/documents) --------------------------------------
    DOCUMENT_UPLOADED = (
        "document.uploaded",
        "A coordinator uploaded a document (proof of dispatch, a response), stored encrypted.",
    )
    DOCUMENT_DELETED = "document.deleted", "A coordinator deleted an outreach document."

    # --- outreach: the recipients registry (app/outreach/recipients) ---------------------
    RECIPIENT_CREATED = "recipient.created", "A coordinator added a recipient to the registry."
    RECIPIENT_UPDATED = (
        "recipient.updated",
        "A coordinator changed a recipient (the fields' names, never their values).",
    )
    RECIPIENT_ARCHIVED = "recipient.archived", "A recipient was archived (kept for dispatches)."
    RECIPIENT_RESTORED = "recipient.restored", "An archived recipient was restored."
    RECIPIENT_DELETED = "recipient.deleted", "A recipient nothing was sent to was deleted."
    RECIPIENT_GROUP_CREATED = "recipient_group.created", "A saved group of recipients was made."
    RECIPIENT_GROUP_RENAMED = "recipient_group.renamed", "A saved group was renamed."
    RECIPIENT_GROUP_DELETED = (
        "recipient_group.deleted",
        "A saved group was deleted (its recipients stay in the registry).",
    )
    RECIPIENT_GROUP_MEMBERS_SET = (
        "recipient_group.members_set",
        "A saved group's member list was replaced (counts only).",
    )
    RECIPIENTS_IMPORTED = (
        "recipients.imported",
        "Recipients were imported from a CSV file (counts only, never names).",
    )

    # --- outreach: letters ------------------------------------------------------------------
    LETTER_CLOSING_CHANGED = (
        "letter_closing.changed",
        "A coordinator set the phrase printed after an appeal's signatories in its letters.",
    )

    # --- outreach: dispatches and responses (app/outreach/dispatches) -------------------
    DISPATCH_RECORDED = (
        "dispatch.recorded",
        "A coordinator recorded (or sent by email) an appeal's letter to a recipient.",
    )
    DISPATCH_UPDATED = (
        "dispatch.updated",
        "A coordinator changed a dispatch's reference or note, or closed or reopened it.",
    )
    RESPONSE_RECORDED = (
        "response.recorded",
        "A coordinator recorded a recipient's response with its stances on the asks.",
    )
    RESPONSE_UPDATED = "response.updated", "A coordinator changed a recorded response."
    RESPONSE_PUBLISHED = (
        "response.published",
        "A coordinator marked a response for the appeal's public tracker.",
    )
    RESPONSE_UNPUBLISHED = (
        "response.unpublished",
        "A coordinator took a response off the appeal's public tracker.",
    )

    # --- operations (worker, `accord` commands) -----------------------------------------
    OUTBOX_DELIVERY_FAILED = (
        "outbox.delivery_failed",
        "An email could not be delivered after its last allowed attempt.",
    )
    KEY_ROTATED = "key.rotated", "An operator made a new key version current (keys rotate)."
    KEY_REENCRYPTED = (
        "key.reencrypted",
        "Stored values were re-encrypted to the current key version (keys rotate).",
    )
    KEY_RETIRED = "key.retired", "An operator removed a key version (keys retire)."
    DATABASE_ROLE_GRANTED = (
        "database_role.granted",
        "An operator gave a PostgreSQL role the app's privileges (db grant-app-role).",
    )


def audit_action(value: object) -> AuditAction:
    """``value`` as a listed action; ValueError for anything not in the vocabulary."""
    if isinstance(value, AuditAction):
        return value
    if isinstance(value, str) and value in _BY_VALUE:
        return _BY_VALUE[value]
    raise ValueError(
        f"audit action {value!r} is not in the vocabulary (app/audit/actions.py AuditAction);"
        " add it there as entity.past_participle"
    )


_BY_VALUE = {member.value: member for member in AuditAction}

"""Every model, imported here so that one metadata holds them all."""

from app.models.appeals import (
    Appeal,
    AppealApproval,
    AppealComment,
    AppealEditor,
    AppealParticipant,
    AppealRevision,
    AppealSuggestion,
    AppealTranslation,
    TranslationRevision,
)
from app.models.audit import AuditCheckpoint, AuditEvent, AuditHead
from app.models.base import Base
from app.models.identity import (
    AuthChallenge,
    AuthSession,
    AuthThrottle,
    OidcIdentity,
    Passkey,
    RecoveryCode,
    TotpFactor,
)
from app.models.memberships import AdminGrantRequest, Invitation, Membership, Organization
from app.models.outbox import OutboxMessage
from app.models.signatories import (
    AppealCustodian,
    CustodyKey,
    Signature,
    SignatureCount,
    SigningWindow,
    UnsealApproval,
    UnsealRequest,
)
from app.models.users import EmailChange, PlatformRole, PlatformRoleGrant, User, UserStatus

__all__ = [
    "AdminGrantRequest",
    "Appeal",
    "AppealApproval",
    "AppealComment",
    "AppealCustodian",
    "AppealEditor",
    "AppealParticipant",
    "AppealRevision",
    "AppealSuggestion",
    "AppealTranslation",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditHead",
    "AuthChallenge",
    "AuthSession",
    "AuthThrottle",
    "Base",
    "CustodyKey",
    "EmailChange",
    "Invitation",
    "Membership",
    "OidcIdentity",
    "Organization",
    "OutboxMessage",
    "Passkey",
    "PlatformRole",
    "PlatformRoleGrant",
    "RecoveryCode",
    "Signature",
    "SignatureCount",
    "SigningWindow",
    "TotpFactor",
    "TranslationRevision",
    "UnsealApproval",
    "UnsealRequest",
    "User",
    "UserStatus",
]

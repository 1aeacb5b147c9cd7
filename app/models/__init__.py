"""Every model, imported here so that one metadata holds them all."""

from app.models.audit import AuditCheckpoint, AuditEvent, AuditHead
from app.models.base import Base
from app.models.users import PlatformRole, PlatformRoleGrant, User, UserStatus

__all__ = [
    "AuditCheckpoint",
    "AuditEvent",
    "AuditHead",
    "Base",
    "PlatformRole",
    "PlatformRoleGrant",
    "User",
    "UserStatus",
]

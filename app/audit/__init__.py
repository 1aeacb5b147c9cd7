"""Tamper-evident audit log: ``record_event`` in the caller's transaction, ``verify``."""

from app.audit.actions import AuditAction
from app.audit.service import events_about, record_event

__all__ = ["AuditAction", "events_about", "record_event"]

"""Memberships: a user's org role (representative or member) in one organization.

Modules: router (HTTP), schemas, service (use cases), repository (queries), access
(loading protected objects), errors."""

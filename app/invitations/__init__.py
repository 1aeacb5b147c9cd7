"""Invitations: the only way in. An admin invites an email address into an organization.

Modules: router (HTTP), schemas, service (use cases), repository (queries), access
(loading protected objects), errors."""

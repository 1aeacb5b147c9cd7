"""Admin requests: the two-person rule for granting, revoking and suspending admins.

Modules: router (HTTP), schemas, service (use cases), repository (queries), access
(loading protected objects), errors."""

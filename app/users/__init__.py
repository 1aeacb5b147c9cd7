"""User administration: accounts, their status and platform roles (admins only).

Modules: router (HTTP), schemas, service (use cases), repository (queries), access
(loading protected objects), errors."""

"""Organizations of the coalition: their profiles and member lists.

Modules: router (HTTP), schemas, service (use cases), repository (queries), access
(loading protected objects), errors."""

"""Organizations, memberships, invitations and the administration of users."""

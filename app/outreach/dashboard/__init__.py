"""The coordinators' dashboard: every appeal × every recipient at a glance."""

"""Letters per recipient."""

"""Letters per recipient: an appeal's frozen text, addressed, signed and hashed (PDF, text)."""

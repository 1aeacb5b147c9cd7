"""The recipients registry: governments, institutions and officials, and saved groups."""

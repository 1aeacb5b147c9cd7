"""Signatories: signing windows, organization and member signatures with disclosure tiers,
custody of sealed identities, counts and receipts (see app/models/signatories.py)."""

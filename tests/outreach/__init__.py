"""Outreach tests."""

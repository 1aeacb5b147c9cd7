"""The public tracker of an appeal: opt-in per appeal (coordinators publish it) and per
response (only published responses show)."""

"""Outreach: recipients, letters, dispatches, responses, follow-ups, documents, tracker."""

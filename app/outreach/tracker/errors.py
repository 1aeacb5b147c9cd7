"""What tracker requests can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import Conflict, NotFound


class TrackerNotFound(NotFound):
    # Also what anyone gets for an appeal whose tracker is not published.
    code, title = "tracker_not_found", "No published tracker for this appeal"


class TextNotFrozen(Conflict):
    code, title = (
        "text_not_frozen",
        "This appeal has no frozen text yet: there is nothing to publish or send",
    )


class TextNotFound(NotFound):
    # The same answer for a hash of no text and of a text never frozen or sent.
    code, title = "text_not_found", "No appeal text sent or opened for signatures has this hash"

from __future__ import annotations

from app.errors import NotFound


class SessionNotFound(NotFound):
    code, title = "session_not_found", "No such session"

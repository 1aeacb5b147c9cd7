from app.errors import Conflict


class EmailAlreadyRegistered(Conflict):
    code, title = "email_taken", "An account with this email already exists"

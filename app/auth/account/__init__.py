"""The signed-in person's own account: changing the password and the email address.

Modules: ``router`` (HTTP), ``service`` (password change, reauthentication),
``email_change`` (confirmed from the new address), ``errors``.
"""

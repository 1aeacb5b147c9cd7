"""Second factors other than passkeys: an authenticator app (TOTP) and recovery codes.

Modules: ``router`` (HTTP), ``service`` (set-up and removal, proving a factor, the rules
every second factor shares), ``totp``, ``recovery_codes``, ``errors``. Services flush,
never commit.
"""

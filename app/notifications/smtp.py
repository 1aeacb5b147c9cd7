"""Building an outbox message into an email and handing it to the SMTP relay.

Plain text only (with at most one attached file, a letter's PDF), UTF-8, no tracking. The
Message-ID derives from the outbox row id, so a message retried after an ambiguous failure
(the relay accepted it, then the connection dropped) carries the same id and mail clients
can tell it is a duplicate.
"""

from __future__ import annotations

import email.policy
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from app.config import Settings

# cte_type 7bit: non-ASCII bodies are encoded (base64 or quoted-printable, whichever is
# shorter) rather than sent as raw 8-bit, which a relay without 8BITMIME could mangle.
_POLICY = email.policy.SMTP.clone(cte_type="7bit")


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: its name as the recipient sees it, its media type."""

    filename: str
    media_type: str
    data: bytes


def sender_address(settings: Settings) -> str:
    """The bare address in ``From`` (``Accord <a@b>`` -> ``a@b``), used as the envelope sender."""
    return parseaddr(settings.mail.from_address)[1]


def _message_id_domain(settings: Settings) -> str:
    # The sender's domain, not socket.getfqdn(): that would reveal the server's own host
    # name to every recipient.
    _, _, domain = sender_address(settings).rpartition("@")
    return domain or "accord.invalid"


def build_message(
    settings: Settings,
    *,
    message_id: uuid.UUID,
    to: str,
    subject: str,
    body: str,
    now: datetime,
    attachment: Attachment | None = None,
) -> EmailMessage:
    """The email for one outbox message. Header values with line breaks raise ValueError
    (the email package refuses them), so nothing can inject extra headers."""
    message = EmailMessage(policy=_POLICY)
    message["From"] = settings.mail.from_address
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{message_id}@{_message_id_domain(settings)}>"
    # UTC, so the header does not reveal the server's time zone.
    message["Date"] = format_datetime(now)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, charset="utf-8")
    if attachment is not None:
        maintype, _, subtype = attachment.media_type.partition("/")
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


async def send_message(settings: Settings, message: EmailMessage, *, to: str) -> None:
    """Deliver through the configured relay; raises an ``aiosmtplib`` error on failure.

    ``starttls`` requires the upgrade (a relay that does not offer STARTTLS is an error,
    never a silent fallback to plaintext); ``tls`` is TLS from the first byte; ``none`` is
    for a relay on the same host or private network only. Certificates are always verified.
    """
    import aiosmtplib  # here: only a process that sends mail loads it (~1 MiB a worker)

    mail = settings.mail
    username = mail.smtp_username or None
    password = mail.smtp_password.get_secret_value() if username else None
    await aiosmtplib.send(
        message,
        sender=sender_address(settings),
        recipients=[to],
        hostname=mail.smtp_host,
        port=mail.smtp_port,
        username=username,
        password=password,
        use_tls=mail.smtp_security == "tls",
        start_tls=mail.smtp_security == "starttls",
        validate_certs=True,
        timeout=mail.smtp_timeout_seconds,
        # The public host name in EHLO rather than the machine's own name.
        local_hostname=settings.rp_id,
    )

"""Settings: environment variables prefixed ``ACCORD_``, nested per concern with ``__``.

Every setting has an embedded-mode default so that ``make run`` works with no configuration.
``ACCORD_ENV=production`` turns every default that is only safe on a laptop into a refusal
to start (see :func:`production_problems`).
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class DatabaseSettings(BaseModel):
    # Empty means the embedded SQLite database under data_dir.
    url: SecretStr = SecretStr("")
    # A role allowed to change audit rows (migrations, key rotation). Empty: same as url.
    admin_url: SecretStr = SecretStr("")
    allow_sqlite_in_production: bool = False
    echo: bool = False
    # PostgreSQL: each process keeps up to twice this many connections open (app/db.py).
    pool_size: int = Field(default=10, ge=1, le=200)


class KeySettings(BaseModel):
    # The keyring as JSON (format accord-keyring/1) or a path to a file holding it.
    keyring: SecretStr = SecretStr("")
    keyring_file: Path | None = None
    # Ed25519 private key (base64 of 32 raw bytes) that signs audit checkpoints, or a file.
    audit_signing_key: SecretStr = SecretStr("")
    audit_signing_key_file: Path | None = None


class HttpSettings(BaseModel):
    # The origin users reach; the WebAuthn relying party and links in emails derive from it.
    public_url: str = "http://localhost:8000"
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # Peers whose X-Forwarded-For is believed (IP addresses or CIDR networks).
    trusted_proxies: list[str] = Field(default_factory=list)


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)


class AuthSettings(BaseModel):
    # Argon2id at the OWASP/ASVS 5.0 floor (19 MiB, t=2, p=1); raising them rehashes
    # passwords at the next sign-in.
    argon2_time_cost: int = Field(default=2, ge=1)
    argon2_memory_kib: int = Field(default=19_456, ge=8)
    argon2_parallelism: int = Field(default=1, ge=1)
    # Hashes computed at once per process; beyond this, sign-ins wait in a bounded queue,
    # and beyond the queue they get 503 with Retry-After instead of piling up. One per
    # process, with a worker per core: more hashes at once than cores made Argon2id (memory-
    # hard) thrash the caches it lives in (bench_sign_in.py: 0.54 of raw with 2, 0.66 with 1).
    hash_concurrency: int = Field(default=1, ge=1, le=64)
    hash_queue: int = Field(default=64, ge=0, le=10_000)
    # What an authenticator app lists for the TOTP entry, on a phone that may be seized:
    # neutral by default, naming neither the coalition nor the person. "{tag}" in the
    # account label becomes four characters that tell one set-up's entry from another's.
    # No colons (they separate issuer and account in the otpauth URI); empty issuer: none.
    totp_issuer: str = Field(default="Sign-in", max_length=64, pattern=r"^[^:\x00-\x1f\x7f]*$")
    totp_account_label: str = Field(
        default="{tag}", min_length=1, max_length=64, pattern=r"^[^:\x00-\x1f\x7f]+$"
    )


class SessionSettings(BaseModel):
    idle_minutes: int = Field(default=30, ge=1)
    absolute_hours: int = Field(default=12, ge=1)
    # A second-factor check counts as "fresh" for sensitive actions for this long.
    step_up_minutes: int = Field(default=5, ge=1)


class ThrottleSettings(BaseModel):
    # Failed password attempts allowed per window before the account or address is blocked.
    account_failures: int = Field(default=5, ge=1)
    address_failures: int = Field(default=20, ge=1)
    window_minutes: int = Field(default=15, ge=1)
    block_minutes: int = Field(default=15, ge=1)
    # Anonymous sign-in ceremonies (passkey sign-in, single sign-on) started per address
    # and window: each stores a challenge, so they are bounded too.
    ceremonies_per_address: int = Field(default=60, ge=1)
    # Public signatures started per address and per email address and window (each sends
    # an email), and wrong codes per emailed code before it must be asked for again.
    public_signings_per_address: int = Field(default=30, ge=1)
    public_signings_per_email: int = Field(default=3, ge=1)
    public_code_attempts: int = Field(default=5, ge=1)
    # Receipt checks per address and window: a receipt code cannot be guessed (100 bits),
    # but each check is a database read anyone may ask for.
    receipt_checks_per_address: int = Field(default=60, ge=1)
    # The public page's proof of work: the browser tries up to this many hashes (about half
    # on average; some 100,000 SHA-256 per second on a phone).
    proof_of_work_max_number: int = Field(default=100_000, ge=1)


class MailSettings(BaseModel):
    # "dev": keep mail in the outbox and ./data/mail/ and show it on the dev mailbox page;
    # "smtp": deliver through the SMTP server below. Production requires "smtp".
    mode: str = Field(default="dev", pattern="^(dev|smtp)$")
    from_address: str = "Accord <accord@localhost>"
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    # "starttls" (port 587), "tls" (implicit, port 465) or "none" (only for a local relay).
    smtp_security: str = Field(default="starttls", pattern="^(starttls|tls|none)$")
    smtp_timeout_seconds: float = Field(default=20, gt=0)
    max_attempts: int = Field(default=8, ge=1)
    # Run the outbox worker inside the server (embedded mode); off when `accord worker` runs.
    embedded_worker: bool = True


class AuditSettings(BaseModel):
    # A signed checkpoint over the chain head once this many events wait for one ...
    checkpoint_every_events: int = Field(default=100, ge=1)
    # ... or once the last one is this old and events wait (the worker's audit.checkpoint
    # job): whichever comes first. Events after the last checkpoint are covered by the hash
    # chain only; an attacker with write access to the database could cut them off.
    checkpoint_every_seconds: float = Field(default=60, gt=0)


class OidcSettings(BaseModel):
    # Single sign-on is optional: it signs in existing (invited) accounts only.
    enabled: bool = False
    issuer: str = ""
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    # How the client authenticates at the token endpoint: what it was registered with at the
    # provider (the registration default is client_secret_basic, RFC 7591 §2). Checked at
    # start-up against the provider's discovery.
    token_endpoint_auth_method: Literal["client_secret_basic", "client_secret_post"] = (
        "client_secret_basic"  # noqa: S105  # nosec B105 - a method's name, not a secret
    )
    # The provider's name, shown as "Sign in with <name>" (translated).
    display_name: str = "Single sign-on"


class OutreachSettings(BaseModel):
    # A follow-up is planned this many days after each dispatch (its due date); a recipient
    # still awaiting a response past it shows as overdue.
    follow_up_days: int = Field(default=30, ge=1, le=365)
    # The largest document (a proof of dispatch, a response letter) an upload may carry.
    document_max_bytes: int = Field(default=25_000_000, ge=1024, le=1_000_000_000)


class LogSettings(BaseModel):
    level: str = "INFO"
    # "json": one JSON object per line (for collectors); "text": short lines for a terminal;
    # "auto": text in development, JSON otherwise.
    format: str = Field(default="auto", pattern="^(auto|json|text)$")

    def text_for(self, env: Environment) -> bool:
        return self.format == "text" or (self.format == "auto" and env == Environment.DEVELOPMENT)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ACCORD_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # An empty ACCORD_KEYS__KEYRING_FILE= means "not set", not "the current directory".
        env_ignore_empty=True,
    )

    env: Environment = Environment.DEVELOPMENT
    debug: bool = False
    data_dir: Path = Path("data")
    # Where the built frontend lives; empty directory means "API only".
    frontend_dist: Path = Path("frontend/dist")
    database: DatabaseSettings = DatabaseSettings()
    keys: KeySettings = KeySettings()
    http: HttpSettings = HttpSettings()
    server: ServerSettings = ServerSettings()
    auth: AuthSettings = AuthSettings()
    session: SessionSettings = SessionSettings()
    throttle: ThrottleSettings = ThrottleSettings()
    mail: MailSettings = MailSettings()
    audit: AuditSettings = AuditSettings()
    oidc: OidcSettings = OidcSettings()
    log: LogSettings = LogSettings()
    outreach: OutreachSettings = OutreachSettings()

    @property
    def is_production(self) -> bool:
        return self.env == Environment.PRODUCTION

    @property
    def database_url(self) -> str:
        url = self.database.url.get_secret_value()
        if url:
            return normalize_database_url(url)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'accord.db').resolve()}"

    @property
    def database_admin_url(self) -> str:
        url = self.database.admin_url.get_secret_value()
        return normalize_database_url(url) if url else self.database_url

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def rp_id(self) -> str:
        """The WebAuthn relying party: the host users reach (passkeys are bound to it)."""
        from urllib.parse import urlsplit

        return urlsplit(self.http.public_url).hostname or "localhost"

    @property
    def origin(self) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(self.http.public_url)
        return f"{parts.scheme}://{parts.netloc}"


def normalize_database_url(url: str) -> str:
    """Accept the URLs operators write (postgresql://, sqlite:///) and pick the async driver."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


# Markers of example values (.env.example uses them); none can appear in base64 key material
# by chance because each contains a character base64 never produces or is 8+ letters long.
PLACEHOLDERS = ("change-me", "changeme", "placeholder", "<", "...")


def looks_like_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return any(marker in lowered for marker in PLACEHOLDERS)


def production_problems(settings: Settings) -> list[str]:
    """What forbids starting in production; empty when it may start.

    Key material itself is checked when the keyring loads (development keys, missing keys).
    """
    problems: list[str] = []
    if settings.debug:
        problems.append("ACCORD_DEBUG must be off in production")
    if is_sqlite(settings.database_url) and not settings.database.allow_sqlite_in_production:
        problems.append(
            "SQLite in production needs ACCORD_DATABASE__ALLOW_SQLITE_IN_PRODUCTION=true"
        )
    if not settings.http.public_url.startswith("https://"):
        problems.append("ACCORD_HTTP__PUBLIC_URL must be an https:// URL in production")
    if not (settings.keys.keyring.get_secret_value() or settings.keys.keyring_file):
        problems.append("a keyring is required: ACCORD_KEYS__KEYRING or ACCORD_KEYS__KEYRING_FILE")
    if not (
        settings.keys.audit_signing_key.get_secret_value() or settings.keys.audit_signing_key_file
    ):
        problems.append(
            "an audit signing key is required: ACCORD_KEYS__AUDIT_SIGNING_KEY"
            " or ACCORD_KEYS__AUDIT_SIGNING_KEY_FILE"
        )
    if settings.mail.mode != "smtp":
        problems.append("ACCORD_MAIL__MODE must be smtp in production")
    for name, secret in (
        ("ACCORD_KEYS__KEYRING", settings.keys.keyring),
        ("ACCORD_KEYS__AUDIT_SIGNING_KEY", settings.keys.audit_signing_key),
        ("ACCORD_MAIL__SMTP_PASSWORD", settings.mail.smtp_password),
        ("ACCORD_OIDC__CLIENT_SECRET", settings.oidc.client_secret),
    ):
        value = secret.get_secret_value()
        if value and looks_like_placeholder(value):
            problems.append(f"{name} holds a placeholder value")
    return problems


@lru_cache
def get_settings() -> Settings:
    return Settings()


def settings_from(**overrides: Any) -> Settings:
    """Settings with explicit overrides on top of the environment (tests, CLI)."""
    return Settings(**overrides)

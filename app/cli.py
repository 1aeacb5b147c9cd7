"""The ``accord`` command: database, accounts, keys, audit log and the server."""

from __future__ import annotations

import asyncio
import base64
import json
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import click

from app.config import Settings, get_settings, is_sqlite


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.group()
def main() -> None:
    """Accord: secure collaboration for coalitions of civil-society organizations."""


# --- database ---------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Database schema and roles."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations (uses ACCORD_DATABASE__ADMIN_URL when set)."""
    from app.migrate import upgrade

    settings = get_settings()
    _prepare_data_dir(settings)
    _run(upgrade(settings.database_admin_url, revision))
    click.echo(f"database at {revision}")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (``base`` for an empty database)."""
    from app.migrate import downgrade

    _run(downgrade(get_settings().database_admin_url, revision))
    click.echo(f"database at {revision}")


@db.command("grant-app-role")
@click.argument("role")
def db_grant_app_role(role: str) -> None:
    """PostgreSQL: give ROLE what the app needs and no more (audit rows stay append-only)."""
    from app.audit.actions import AuditAction
    from app.dbroles import grant_app_role
    from app.key_lifecycle import record_operator_event

    settings = get_settings()
    if is_sqlite(settings.database_admin_url):
        _fail("roles exist only on PostgreSQL")
    _load_keys(settings)  # the audit event's details are encrypted, its checkpoint signed
    _run(grant_app_role(settings.database_admin_url, role))
    _run(
        _with_engine(
            settings,
            record_operator_event,
            AuditAction.DATABASE_ROLE_GRANTED,
            ("database_role", role),
            {"role": role},
            admin=True,
        )
    )
    click.echo(f"granted application privileges to {role}")


def _prepare_data_dir(settings: Settings) -> None:
    from app.kit.private_files import private_directory

    if is_sqlite(settings.database_url):
        private_directory(settings.data_dir)


# --- accounts ---------------------------------------------------------------------------


@main.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
def create_admin(email: str, display_name: str) -> None:
    """Create an admin account and print its one-time password once."""
    from app.bootstrap import create_admin_account
    from app.kit.email import EmailAddressInvalid, canonical_email

    try:
        email = canonical_email(email)
    except EmailAddressInvalid as refused:
        _fail(str(refused))
    settings = get_settings()
    _load_keys(settings)
    password = _run(create_admin_account(settings, email=email, display_name=display_name))
    if password is None:
        _fail("an account with this email already exists")
    _print_admin(email, password, first=False)


def _print_admin(email: str, password: str, *, first: bool) -> None:
    # `serve` creates the first admin only while there are no users; `create-admin` may add
    # any number of them, and must not claim to have made the first.
    created = "First admin account created" if first else "Admin account created"
    click.echo("")
    click.echo(f"  {created}. Shown once here; the database keeps only a hash:")
    click.echo(f"    email:    {email}")
    click.echo(f"    password: {password}")
    click.echo("  The password must be changed, and a second factor enrolled, at first sign-in.")
    click.echo("")


def _load_keys(settings: Settings) -> None:
    from app.audit.service import checkpoints_from, configure_checkpoints
    from app.keys import KeysUnavailable, install_keys, load_keys

    try:
        install_keys(load_keys(settings))
    except KeysUnavailable as exc:
        _fail(str(exc))
    configure_checkpoints(checkpoints_from(settings.audit))


# --- keys -------------------------------------------------------------------------------


@main.group()
def keys() -> None:
    """Master keys: generate, rotate, retire, status."""


@keys.command("generate")
@click.option("--keyring-file", type=click.Path(path_type=Path), required=True)
@click.option("--signing-key-file", type=click.Path(path_type=Path), required=True)
def keys_generate(keyring_file: Path, signing_key_file: Path) -> None:
    """Create production key files (0600) for ACCORD_KEYS__*_FILE; never overwrites."""
    from app.kit.crypto import Keyring
    from app.kit.crypto.keyring import generate_master_key
    from app.kit.crypto.keystore import save_keyring_file, write_secret_file
    from app.kit.crypto.signing import generate_signing_key

    for path in (keyring_file, signing_key_file):
        if path.exists():
            _fail(f"{path} exists; refusing to overwrite key material")
    save_keyring_file(keyring_file, Keyring({1: generate_master_key()}, 1))
    write_secret_file(signing_key_file, base64.b64encode(generate_signing_key()).decode())
    click.echo(f"wrote {keyring_file} and {signing_key_file} (mode 0600)")


@keys.command("status")
def keys_status() -> None:
    """Key versions, how many stored values use each, and what still needs each older one."""
    from app.key_lifecycle import describe, version_reports
    from app.kit.clock import SystemClock
    from app.rotation import version_counts

    settings = get_settings()
    _load_keys(settings)
    from app.keys import current_keyring

    keyring = current_keyring()
    counts = _run(_with_engine(settings, version_counts))
    click.echo(f"current version: {keyring.current_version}")
    click.echo(f"versions in keyring: {', '.join(map(str, keyring.versions))}")
    click.echo("stored values per key version:")
    for label, per_version in counts.items():
        shown = ", ".join(f"v{v}: {n}" for v, n in sorted(per_version.items())) or "no rows"
        click.echo(f"  {label}: {shown}")
    older = [v for v in keyring.versions if v != keyring.current_version]

    async def reports_of(engine: Any) -> Any:
        return await version_reports(engine, older, now=SystemClock().now(), settings=settings)

    reports = _run(_with_engine(settings, reports_of))
    for report in reports:
        click.echo(f"version {report.version}:")
        for line in describe(report):
            click.echo(f"  {line}")


@keys.command("rotate")
@click.option("--resume", is_flag=True, help="Only finish re-encrypting; add no version.")
@click.option("--batch-size", default=500, show_default=True)
def keys_rotate(resume: bool, batch_size: int) -> None:
    """Make a new key version current and re-encrypt every encrypted value with it.

    When values from an earlier rotation are still waiting, it finishes those first instead
    of adding another version. Restart the servers after a new version is added. MACs of
    tokens the server never keeps cannot be re-keyed: `keys status` says when they end.
    """
    from app.audit.actions import AuditAction
    from app.key_lifecycle import record_key_event
    from app.keys import current_keys, install_keys
    from app.kit.crypto.keystore import save_keyring_file
    from app.rotation import reencrypt_all, rows_not_at

    settings = get_settings()
    _load_keys(settings)
    material = current_keys()
    if material.keyring_file is not None:
        _hold_rotation_lock(material.keyring_file)
    keyring = material.keyring
    pending = _run(_with_engine(settings, rows_not_at, keyring.current_version, admin=True))
    if not resume and pending == 0:
        if material.keyring_file is None:
            _fail(
                "the keyring comes from ACCORD_KEYS__KEYRING; use ACCORD_KEYS__KEYRING_FILE"
                " so that `keys rotate` can add a version"
            )
        previous = keyring.current_version
        keyring = keyring.with_new_version()
        save_keyring_file(material.keyring_file, keyring)
        install_keys(type(material)(keyring, material.audit_signing_key, material.keyring_file))
        click.echo(f"key version {keyring.current_version} is now current; restart the servers")
        _run(
            _with_engine(
                settings,
                record_key_event,
                AuditAction.KEY_ROTATED,
                {"version": keyring.current_version, "previous": previous},
                admin=True,
            )
        )
    elif pending:
        click.echo(f"{pending} values still use older versions; finishing that rotation")

    def progress(table: str, rows: int) -> None:
        click.echo(f"  {table}: {rows} rows checked")

    rewritten = _run(
        _with_engine(
            settings, reencrypt_all, keyring, batch_size=batch_size, on_batch=progress, admin=True
        )
    )
    click.echo(f"re-encrypted {rewritten} rows to version {keyring.current_version}")
    _run(
        _with_engine(
            settings,
            record_key_event,
            AuditAction.KEY_REENCRYPTED,
            {"version": keyring.current_version, "rewritten": rewritten},
            admin=True,
        )
    )
    if len(keyring.versions) > 1:
        click.echo("see `accord keys status` for when older versions can be retired")


_rotation_lock: Any = None


def _hold_rotation_lock(keyring_file: Path) -> None:
    """One rotation or retirement at a time: two rotations would each add their own "next"
    version and one keyring file would win, leaving the other run's values unreadable."""
    import fcntl

    global _rotation_lock
    _rotation_lock = open(f"{keyring_file}.lock", "a")
    try:
        fcntl.flock(_rotation_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        _fail("another `accord keys rotate` or `keys retire` is running on this keyring")


@keys.command("retire")
@click.argument("version", type=int)
@click.option(
    "--force",
    is_flag=True,
    help="End what still needs VERSION now: revoke its sessions and invitations, drop its"
    " challenges and throttles, withdraw legacy recovery codes (their users are emailed),"
    " unlink single-sign-on subjects. Audited.",
)
def keys_retire(version: int, force: bool) -> None:
    """Remove VERSION from the keyring once nothing still needs it.

    Encrypted values must have been re-encrypted (`keys rotate`). MACs of tokens the server
    never keeps cannot be: short-lived ones (sessions, challenges, invitations, throttles)
    are waited for, and `keys status` says until when; --force ends them now instead.
    """
    from app.key_lifecycle import StillNeeded, describe, retire_version
    from app.keys import current_keys
    from app.kit.clock import SystemClock
    from app.kit.crypto import KeyringError

    settings = get_settings()
    _load_keys(settings)
    material = current_keys()
    keyring_file = material.keyring_file
    if keyring_file is None:
        _fail("the keyring comes from the environment; edit it there")
        return
    _hold_rotation_lock(keyring_file)

    async def retire(engine: Any) -> Any:
        return await retire_version(
            engine,
            keyring_file,
            material.keyring,
            version,
            now=SystemClock().now(),
            settings=settings,
            force=force,
        )

    try:
        keyring, ended = _run(_with_engine(settings, retire, admin=True))
    except KeyringError as exc:
        _fail(str(exc))
        return
    except StillNeeded as refusal:
        lines = describe(refusal.report)
        if refusal.report.rekeyable:
            # The first line says it: N stored values still use version V; rotate first.
            _fail("\n  ".join(lines))
        _fail(f"version {version} is still needed:\n  " + "\n  ".join(lines))
        return
    except OSError as exc:
        _fail(
            f"could not write {keyring_file} ({exc}); the database no longer needs version"
            f" {version}: run `accord keys retire {version}` again"
        )
        return
    for table, count in ended.items():
        click.echo(f"  {table}: {count} ended")
    click.echo(f"version {version} retired; versions left: {', '.join(map(str, keyring.versions))}")


async def _with_engine(
    settings: Settings, fn: Any, *args: Any, admin: bool = False, **kwargs: Any
) -> Any:
    from app.db import create_engine

    engine = create_engine(settings.database_admin_url if admin else settings.database_url)
    try:
        return await fn(engine, *args, **kwargs)
    finally:
        await engine.dispose()


# --- audit ------------------------------------------------------------------------------


@main.group()
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint saved earlier with `accord audit checkpoint` (repeatable).",
)
def audit_verify(checkpoint_files: tuple[Path, ...]) -> None:
    """Recompute the hash chain and check every signed checkpoint; exit 1 on any problem."""
    from app.audit.export import read_checkpoint
    from app.audit.verify import verify_audit_log
    from app.db import create_sessionmaker
    from app.keys import current_keys

    settings = get_settings()
    _load_keys(settings)
    external = [read_checkpoint(path) for path in checkpoint_files]
    if is_sqlite(settings.database_url):
        # Connecting would create an empty file (and verify it as intact), or fail inside
        # the driver's thread: a missing database is a problem to report, not to make.
        from sqlalchemy.engine import make_url

        if not Path(make_url(settings.database_url).database or "").is_file():
            click.echo("PROBLEM: verification stopped: the SQLite database file does not exist")
            click.echo("audit log verification FAILED")
            sys.exit(1)

    async def verify(engine: Any) -> Any:
        async with create_sessionmaker(engine)() as session:
            return await verify_audit_log(
                session, public_key=current_keys().audit_public_key, external_checkpoints=external
            )

    try:
        report = _run(_with_engine(settings, verify))
    except Exception as exc:
        # verify_audit_log reports what it finds and goes on; this is the last resort (the
        # database went away, or a kind of damage it does not know): still a PROBLEM line
        # and exit 1, never a bare traceback. The class only: messages may quote values.
        click.echo(f"PROBLEM: verification stopped: {type(exc).__name__}")
        click.echo("audit log verification FAILED")
        sys.exit(1)
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}")
    click.echo(f"{report.events} events, {report.checkpoints} checkpoints checked")
    if report.unsigned_tail:
        click.echo(
            f"{report.unsigned_tail} events after the last checkpoint: covered by the hash"
            " chain only until the next one"
        )
    if not report.ok:
        click.echo("audit log verification FAILED")
        sys.exit(1)
    click.echo("audit log intact")


@main.group()
def custody() -> None:
    """Sealed signer identities: opening them offline with custodians' key files."""


@custody.command("open")
@click.option("--appeal", "appeal_id", required=True, type=click.UUID, help="the appeal's id")
@click.option(
    "--key-file",
    "key_files",
    multiple=True,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a custodian's key file (repeat: as many as the appeal's threshold)",
)
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="the CSV to write (created readable only by you; never overwritten)",
)
def custody_open(appeal_id: Any, key_files: tuple[Path, ...], output: Path) -> None:
    """k custodians open an appeal's withheld and counted identities on this machine: each
    types the passphrase of their key file. The names go to --output only (mode 0600)."""
    from app.actors import SYSTEM
    from app.audit import AuditAction, record_event
    from app.db import create_sessionmaker, unit_of_work
    from app.kit.crypto import DecryptionError, KeyringError, read_key_file
    from app.signatories.export import defused
    from app.signatories.unsealing import CustodyRefused, open_offline

    settings = get_settings()
    _load_keys(settings)
    if output.exists():
        _fail(f"{output} exists: choose a new file")
    keys = []
    for path in key_files:
        passphrase = click.prompt(f"Passphrase of {path.name}", hide_input=True)
        try:
            keys.append(read_key_file(path.read_bytes(), passphrase)[0])
        except (DecryptionError, KeyringError):
            _fail(f"{path.name}: wrong passphrase, or not a custody key file")

    async def run(engine: Any) -> Any:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            opened = await open_offline(session, appeal_id=appeal_id, custodian_keys=keys)
            await record_event(
                session,
                actor=SYSTEM,
                action=AuditAction.UNSEAL_OPENED_OFFLINE,
                target=("appeal", appeal_id),
                details={"key_files": len(keys), "identities": len(opened)},
            )
            return opened

    try:
        opened = _run(_with_engine(settings, run))
    except CustodyRefused as refused:
        _fail(str(refused))
    import csv
    import os

    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(("name", "line", "kind", "tier", "status", "mandate"))
        for item in opened:
            mandate = item.identity.get("mandate") or {}
            writer.writerow(
                defused(str(cell))
                for cell in (
                    item.identity.get("name", ""),
                    item.identity.get("line", ""),
                    item.kind,
                    item.tier,
                    item.status,
                    " ".join(str(v) for v in mandate.values()) if isinstance(mandate, dict) else "",
                )
            )
    click.echo(f"{len(opened)} identities written to {output}")


@main.group()
def appeals() -> None:
    """Appeals: their revision chains."""


@appeals.command("verify")
def appeals_verify() -> None:
    """Recompute every revision's hash from its stored text and check each chain link;
    exit 1 on any problem."""
    from app.appeals.service import verify_all_chains
    from app.db import create_sessionmaker

    settings = get_settings()
    _load_keys(settings)
    if is_sqlite(settings.database_url):
        from sqlalchemy.engine import make_url

        if not Path(make_url(settings.database_url).database or "").is_file():
            click.echo("PROBLEM: the SQLite database file does not exist")
            click.echo("appeal revision chains FAILED")
            sys.exit(1)

    async def verify(engine: Any) -> Any:
        async with create_sessionmaker(engine)() as session:
            return await verify_all_chains(session)

    try:
        checked, problems = _run(_with_engine(settings, verify))
    except Exception as exc:
        # The class only: messages may quote stored values.
        click.echo(f"PROBLEM: verification stopped: {type(exc).__name__}")
        click.echo("appeal revision chains FAILED")
        sys.exit(1)
    for problem in problems:
        click.echo(f"PROBLEM: {problem}")
    click.echo(f"{checked} appeals checked")
    if problems:
        click.echo("appeal revision chains FAILED")
        sys.exit(1)
    click.echo("appeal revision chains intact")


@audit.command("checkpoint")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def audit_checkpoint(output: Path | None) -> None:
    """Sign the current head and print it (keep a copy away from the server)."""
    from app.audit.export import checkpoint_now

    settings = get_settings()
    _load_keys(settings)
    document = _run(_with_engine(settings, checkpoint_now, admin=False))
    text = json.dumps(document, indent=2)
    if output:
        output.write_text(text + "\n")
    click.echo(text)


# --- outbox -----------------------------------------------------------------------------


@main.group()
def demo() -> None:
    """Demo data for a development database."""


@demo.command("load")
def demo_load() -> None:
    """Fill an empty development database with a realistic coalition (organizations, people,
    an open appeal with signatories, EU governments, dispatches, responses, a published
    tracker) and print the demo accounts' one-time passwords once. Refused in production."""
    from app.db import create_sessionmaker, unit_of_work
    from app.demo import DemoRefused, load_demo
    from app.kit.clock import SystemClock

    settings = get_settings()
    if settings.is_production:
        _fail("the demo is refused in production")
    _load_keys(settings)

    async def load(engine: Any) -> Any:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            return await load_demo(session, settings=settings, now=SystemClock().now())

    try:
        accounts = _run(_with_engine(settings, load))
    except DemoRefused as refused:
        _fail(str(refused))
    click.echo("")
    click.echo("  Demo loaded. Accounts (one-time passwords, shown once; change them and enrol a")
    click.echo("  second factor at first sign-in):")
    for account in accounts:
        click.echo(f"    {account.email:<28} {account.password}   ({account.role})")
    click.echo("")


@main.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, run every job once, exit.")
def worker(once: bool) -> None:
    """Run the background jobs until SIGTERM/SIGINT: send queued email, purge expired
    sign-in state, sign audit checkpoints. Any number may run (each message goes out once);
    set ACCORD_MAIL__EMBEDDED_WORKER=false on the servers when this runs."""
    from app.jobs.worker import run_worker_process
    from app.logs import configure_logging
    from app.main import ConfigurationError, check_startable

    settings = get_settings()
    configure_logging(settings.log.level, text=settings.log.text_for(settings.env))
    try:
        check_startable(settings)
    except ConfigurationError as exc:
        _fail(str(exc))
    _load_keys(settings)
    delivered = _run(run_worker_process(settings, once=once))
    if once:
        click.echo(f"delivered {delivered} messages")


# --- server -----------------------------------------------------------------------------


@main.command("serve")
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.option("--workers", type=int, default=None)
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Run the server. In development: keys, migrations and the first admin come first.

    In development the public URL follows the port (``--port`` or ACCORD_SERVER__PORT)
    unless ACCORD_HTTP__PUBLIC_URL says otherwise; the first admin's one-time credentials are
    written to ``<data dir>/first-admin.txt`` (0600) and printed after the server's own
    start-up lines, so that they are the last thing on the screen.
    """
    import os

    from app.bootstrap import prepare_embedded
    from app.main import ConfigurationError, check_startable

    settings = get_settings()
    port = port or settings.server.port
    if not settings.is_production and "public_url" not in settings.http.model_fields_set:
        # The app processes read their settings from the environment again.
        os.environ["ACCORD_HTTP__PUBLIC_URL"] = f"http://localhost:{port}"
        get_settings.cache_clear()
        settings = get_settings()
    try:
        check_startable(settings)
    except ConfigurationError as exc:
        _fail(str(exc))
    created = None
    if not settings.is_production:
        created = _run(prepare_embedded(settings))
        if created is not None:
            _write_first_admin(settings.data_dir / FIRST_ADMIN_FILE, *created)
    options: dict[str, Any] = {
        "host": host or settings.server.host,
        "port": port,
        "proxy_headers": False,  # client addresses come from our trusted-proxy rule only
        "server_header": False,
        "log_config": None,
    }
    workers = workers or settings.server.workers
    if created is None or workers > 1:
        if created is not None:
            _print_admin(*created, first=True)
        import uvicorn

        uvicorn.run("app.asgi:app", workers=workers, **options)
        return
    _serve_then_show(options, settings.data_dir / FIRST_ADMIN_FILE, created)


FIRST_ADMIN_FILE = "first-admin.txt"


def _write_first_admin(path: Path, email: str, password: str) -> None:
    """The one-time credentials in a file only this user can read, for whoever missed the
    terminal; it is useless once the password was changed at first sign-in."""
    from app.kit.crypto.keystore import write_secret_file

    write_secret_file(
        path,
        "Accord's first admin (development). The password works once: it must be changed,\n"
        "and a second factor enrolled, at first sign-in. Delete this file afterwards.\n"
        f"email:    {email}\npassword: {password}\n",
    )


def _serve_then_show(options: dict[str, Any], file: Path, created: tuple[str, str]) -> None:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config("app.asgi:app", **options))

    async def show_when_started() -> None:
        # uvicorn offers a flag for "started", not an event to wait on.
        while not server.started and not server.should_exit:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        if server.started:
            _print_admin(*created, first=True)
            click.echo(
                f"  Also in {file} (readable only by you). Open http://localhost:{options['port']}"
            )
            click.echo("")

    async def main() -> None:
        watcher = asyncio.create_task(show_when_started())
        try:
            await server.serve()
        finally:
            watcher.cancel()

    asyncio.run(main())


@main.command("openapi")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def openapi(output: Path | None) -> None:
    """Print the OpenAPI schema without starting a server (the frontend client is built from it)."""
    from app.openapi import export_openapi

    text = export_openapi()
    if output:
        output.write_text(text)
    else:
        click.echo(text, nl=False)


if __name__ == "__main__":
    main()

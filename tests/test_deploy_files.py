"""The deployment files: docker-compose.yml, Dockerfile, .dockerignore and .env.example.

No Docker engine runs in CI, so these are static checks: the compose file against the Compose
specification, the security properties the deployment relies on, and .env.example against
the settings model (a new setting fails here until it is documented).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, SecretStr

from app.config import Settings, looks_like_placeholder

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"

# Variable names that carry secret values; their *_FILE counterparts carry paths.
SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|KEY", re.IGNORECASE)
# A URL with a password in it: scheme://user:password@host.
URL_PASSWORD = re.compile(r"://[^/@:\s]+:([^/@\s]+)@")
# Runs of characters that key material (base64, hex) is made of.
KEY_RUN = re.compile(r"[A-Za-z0-9+/=_-]{32,}")
# Names in .env.example that are docker-compose.yml variables, not application settings.
COMPOSE_ONLY_VARIABLES = {"ACCORD_IMAGE"}


def _is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not name.upper().endswith("_FILE")


def _key_material_in(value: str) -> list[str]:
    """Runs that look like real key material: long hex, or long mixed-case base64 with digits."""
    found = []
    for run in KEY_RUN.findall(value):
        is_hex = re.fullmatch(r"[0-9a-fA-F]{32,}", run) is not None
        mixed = all(re.search(c, run) for c in ("[0-9]", "[a-z]", "[A-Z]"))
        if (is_hex or mixed) and not looks_like_placeholder(run):
            found.append(run)
    return found


# --- docker-compose.yml -------------------------------------------------------------------


def _compose() -> dict[str, Any]:
    # safe_load resolves the `<<: *accord` merge keys the way Compose does.
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(key): "" if value is None else str(value) for key, value in env.items()}


def _secret_names(service: dict[str, Any]) -> set[str]:
    return {s if isinstance(s, str) else s["source"] for s in service.get("secrets") or []}


def test_compose_file_matches_the_compose_specification() -> None:
    check_jsonschema = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(check_jsonschema), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_has_no_obsolete_version_key() -> None:
    assert "version" not in _compose()


def test_no_service_holds_a_secret_value_inline() -> None:
    for name, service in _compose()["services"].items():
        for key, value in _environment(service).items():
            assert not _is_secret_name(key), f"{name}: {key} must come from a secret file"
            assert not URL_PASSWORD.search(value), f"{name}: {key} has a password in its URL"
            assert not _key_material_in(value), f"{name}: {key} looks like key material"


def test_secret_files_come_from_compose_secrets() -> None:
    compose = _compose()
    declared = compose["secrets"]
    for definition in declared.values():
        assert definition["file"].startswith("./secrets/")
    for name, service in compose["services"].items():
        mounted = _secret_names(service)
        assert mounted <= set(declared), f"{name} uses an undeclared secret"
        for key, value in _environment(service).items():
            if key.endswith("_FILE"):
                assert value.startswith("/run/secrets/"), f"{name}: {key}={value}"
                assert value.removeprefix("/run/secrets/") in mounted, f"{name}: {key}"


def test_app_service_is_hardened_and_gets_its_keys_from_secrets() -> None:
    app = _compose()["services"]["app"]
    env = _environment(app)
    assert env["ACCORD_ENV"] == "production"
    assert env["ACCORD_KEYS__KEYRING_FILE"] == "/run/secrets/accord_keyring"
    assert env["ACCORD_KEYS__AUDIT_SIGNING_KEY_FILE"] == "/run/secrets/accord_audit_signing_key"
    assert "ACCORD_KEYS__KEYRING" not in env
    assert "ACCORD_KEYS__AUDIT_SIGNING_KEY" not in env
    assert env["ACCORD_DATABASE__URL"].startswith("postgresql://accord_app@")
    assert "ACCORD_HTTP__PUBLIC_URL" in env
    assert {"accord_keyring", "accord_audit_signing_key"} <= _secret_names(app)
    assert app["read_only"] is True
    assert "no-new-privileges:true" in app["security_opt"]
    assert app["cap_drop"] == ["ALL"]
    assert any(str(entry).split(":", 1)[0] == "/tmp" for entry in app["tmpfs"])  # noqa: S108
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def _published_host_ips(service: dict[str, Any]) -> list[str]:
    ips = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            ips.append(str(port.get("host_ip", "")))
        else:
            parts = str(port).split(":")
            ips.append(parts[0] if len(parts) == 3 else "")
    return ips


def test_only_loopback_ports_are_published() -> None:
    services = _compose()["services"]
    assert _published_host_ips(services["app"]) == ["127.0.0.1"]
    for name, service in services.items():
        for ip in _published_host_ips(service):
            assert ip == "127.0.0.1", f"{name} publishes a port on {ip or 'every interface'}"


def test_database_has_a_healthcheck_a_named_volume_and_a_password_file() -> None:
    compose = _compose()
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:15")
    assert db["healthcheck"]["test"]
    assert any("pg_isready" in str(part) for part in db["healthcheck"]["test"])
    named = [str(v).split(":", 1)[0] if isinstance(v, str) else v["source"] for v in db["volumes"]]
    assert any(name in (compose.get("volumes") or {}) for name in named)
    env = _environment(db)
    assert env["POSTGRES_PASSWORD_FILE"].startswith("/run/secrets/")
    assert "POSTGRES_PASSWORD" not in env


def test_migrate_runs_once_as_the_owner_after_the_database_is_healthy() -> None:
    migrate = _compose()["services"]["migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert _environment(migrate)["ACCORD_DATABASE__ADMIN_URL"].startswith("postgresql://accord@")
    script = " ".join(str(part) for part in migrate["command"])
    assert script.index("accord db upgrade") < script.index("accord db grant-app-role accord_app")
    assert migrate["read_only"] is True
    assert migrate["cap_drop"] == ["ALL"]


def test_worker_service_delivers_the_outbox_with_the_apps_settings_and_secrets() -> None:
    services = _compose()["services"]
    app, worker = services["app"], services["worker"]
    assert worker["command"] == ["accord", "worker"]
    assert _environment(app)["ACCORD_MAIL__EMBEDDED_WORKER"] == "false"
    worker_env = _environment(worker)
    for name in (
        "ACCORD_ENV",
        "ACCORD_DATABASE__URL",
        "PGPASSWORD_FILE",
        "ACCORD_KEYS__KEYRING_FILE",
        "ACCORD_KEYS__AUDIT_SIGNING_KEY_FILE",
        "ACCORD_MAIL__MODE",
        "ACCORD_MAIL__SMTP_HOST",
    ):
        assert worker_env[name] == _environment(app)[name], name
    assert _secret_names(worker) == _secret_names(app)
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert worker["read_only"] is True
    assert worker["cap_drop"] == ["ALL"]
    assert worker["healthcheck"] == {"disable": True}  # the image's check asks the HTTP server
    assert not worker.get("ports")


# --- Dockerfile ---------------------------------------------------------------------------


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction: continuations joined, heredoc bodies skipped."""
    instructions: list[tuple[str, str]] = []
    lines = iter(DOCKERFILE.read_text().splitlines())
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        while line.endswith("\\"):
            line = line[:-1].rstrip() + " " + next(lines).strip()
        keyword, _, arguments = line.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        heredoc = re.search(r"<<-?['\"]?(\w+)['\"]?", arguments)
        if heredoc:
            for body in lines:
                if body.strip() == heredoc.group(1):
                    break
    return instructions


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, arguments in _dockerfile_instructions():
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword, arguments))
    return stages


def _env_pairs(arguments: str) -> dict[str, str]:
    tokens = shlex.split(arguments)
    if tokens and "=" not in tokens[0]:  # legacy `ENV KEY value`
        return {tokens[0]: " ".join(tokens[1:])}
    return dict(token.split("=", 1) for token in tokens)


def test_dockerfile_builds_in_stages_from_pinned_base_images() -> None:
    instructions = _dockerfile_instructions()
    arg_defaults = {}
    for keyword, arguments in instructions:
        if keyword == "FROM":
            break
        if keyword == "ARG" and "=" in arguments:
            name, default = arguments.split("=", 1)
            arg_defaults[name] = default
    images = [arguments.split()[0] for keyword, arguments in instructions if keyword == "FROM"]
    assert len(images) >= 2
    for image in images:
        image = re.sub(r"\$\{(\w+)\}", lambda m: arg_defaults[m.group(1)], image)
        if ":" not in image and "@" not in image:  # a build stage used as a base
            continue
        assert not image.endswith(":latest"), image
    assert {"node:20-bookworm-slim", "python:3.11-slim-bookworm"} <= set(arg_defaults.values())


def test_image_runs_in_production_mode_as_a_non_root_user() -> None:
    final = _stages()[-1]
    users = [arguments for keyword, arguments in final if keyword == "USER"]
    assert users, "the runtime stage must switch to a non-root USER"
    user = users[-1].split(":", 1)[0]
    assert user not in ("root", "0")
    env: dict[str, str] = {}
    for keyword, arguments in final:
        if keyword == "ENV":
            env.update(_env_pairs(arguments))
    assert env["ACCORD_ENV"] == "production"
    assert env["ACCORD_FRONTEND_DIST"] == "/app/frontend/dist"
    assert ("EXPOSE", "8000") in final
    assert any(keyword == "HEALTHCHECK" and "/healthz" in arguments for keyword, arguments in final)
    cmd = [arguments for keyword, arguments in final if keyword == "CMD"][-1]
    assert "accord" in cmd and "serve" in cmd


def test_image_holds_no_secrets_local_data_or_settings() -> None:
    for keyword, arguments in _dockerfile_instructions():
        if keyword in ("ENV", "ARG"):
            names = _env_pairs(arguments) if keyword == "ENV" else {arguments.split("=")[0]: ""}
            for name in names:
                assert not _is_secret_name(name), f"{keyword} {name} would bake a secret in"
        if keyword in ("COPY", "ADD"):
            parts = [p for p in shlex.split(arguments.split("<<")[0]) if not p.startswith("--")]
            if "--from=" in arguments or len(parts) < 2:
                continue
            for source in parts[:-1]:
                normalized = source.removeprefix("./").rstrip("/")
                assert normalized not in ("", "."), f"{keyword} {arguments}: whole context"
                assert not normalized.startswith(("data", ".env", "secrets")), arguments
    ignored = {line.strip().rstrip("/") for line in DOCKERIGNORE.read_text().splitlines()}
    assert {"data", ".env", "secrets", ".git", "**/node_modules"} <= ignored


# --- .env.example -------------------------------------------------------------------------

ENV_LINE = re.compile(r"^#?\s*(ACCORD_[A-Z0-9_]+)=(.*)$")


def _env_example() -> list[tuple[int, str, str]]:
    """(line index, NAME, value) for every assignment, commented out or not."""
    found = []
    for index, line in enumerate(ENV_EXAMPLE.read_text().splitlines()):
        match = ENV_LINE.match(line)
        if match:
            found.append((index, match.group(1), match.group(2).strip()))
    return found


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The nested settings group behind an annotation (plain or `Group | None`), if any."""
    candidates = [annotation]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        candidates = list(typing.get_args(annotation))
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _settings_leaves(
    model: type[BaseModel] = Settings, prefix: str = "", path: tuple[str, ...] = ()
) -> dict[str, tuple[tuple[str, ...], Any]]:
    """ACCORD_X__Y -> (field path, annotation) for every leaf setting, walked recursively."""
    prefix = prefix or str(Settings.model_config.get("env_prefix", ""))
    delimiter = str(Settings.model_config.get("env_nested_delimiter"))
    leaves: dict[str, tuple[tuple[str, ...], Any]] = {}
    for name, field in model.model_fields.items():
        env_name = (prefix + name).upper()
        nested = _model_of(field.annotation)
        if nested is not None:
            leaves.update(_settings_leaves(nested, env_name + delimiter, (*path, name)))
        else:
            leaves[env_name] = ((*path, name), field.annotation)
    return leaves


def _is_secret_field(annotation: Any) -> bool:
    return annotation is SecretStr or SecretStr in typing.get_args(annotation)


def test_settings_walk_finds_nested_fields() -> None:
    leaves = _settings_leaves()
    assert "ACCORD_ENV" in leaves
    assert "ACCORD_DATABASE__URL" in leaves
    assert "ACCORD_AUTH__ARGON2_MEMORY_KIB" in leaves
    assert "ACCORD_DATABASE" not in leaves


def test_env_example_documents_every_setting_once() -> None:
    documented = [name for _, name, _ in _env_example()]
    settings = set(_settings_leaves())
    missing = sorted(settings - set(documented))
    assert not missing, f".env.example does not document {missing}"
    unknown = sorted(set(documented) - settings - COMPOSE_ONLY_VARIABLES)
    assert not unknown, f".env.example names settings that do not exist: {unknown}"
    repeated = sorted({name for name in documented if documented.count(name) > 1})
    assert not repeated, f".env.example lists {repeated} more than once"


def test_env_example_explains_each_setting_in_a_comment() -> None:
    lines = ENV_EXAMPLE.read_text().splitlines()
    for index, name, _ in _env_example():
        above = lines[index - 1] if index else ""
        is_comment = above.startswith("#") and not above.startswith("# ---")
        assert is_comment and not ENV_LINE.match(above), f"{name} has no comment"
        assert len(above.lstrip("# ").strip()) > 3, f"{name} has no comment"


def _leaf(settings: BaseModel, path: tuple[str, ...]) -> Any:
    value: Any = settings
    for part in path:
        value = getattr(value, part)
    return value


def test_env_example_shows_the_real_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in [v for v in os.environ if v.startswith("ACCORD_")]:
        monkeypatch.delenv(variable)
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    leaves = _settings_leaves()
    for _, name, value in _env_example():
        if name not in leaves:
            continue
        path, annotation = leaves[name]
        default = _leaf(defaults, path)
        if _is_secret_field(annotation) or default is None:
            continue  # shown as a placeholder or an example path; the comment gives the default
        with monkeypatch.context() as env:
            env.setenv(name, value)
            shown = _leaf(Settings(_env_file=None), path)  # type: ignore[call-arg]
        assert shown == default, f".env.example shows {name}={value}; the default is {default!r}"


def test_env_example_secrets_are_placeholders() -> None:
    leaves = _settings_leaves()
    for _, name, value in _env_example():
        secret = _is_secret_name(name) or (name in leaves and _is_secret_field(leaves[name][1]))
        # One of a fixed set of public names (ACCORD_OIDC__TOKEN_ENDPOINT_AUTH_METHOD has
        # TOKEN in its name, not in its value) holds no secret.
        if name in leaves and typing.get_origin(leaves[name][1]) is typing.Literal:
            secret = False
        if secret and value:
            assert looks_like_placeholder(value), f"{name} must be a placeholder, not {value!r}"
        password = URL_PASSWORD.search(value)
        if password:
            assert looks_like_placeholder(password.group(1)), f"{name} has a real password"
        assert not _key_material_in(value), f"{name} looks like it holds key material"


def test_env_example_contains_no_key_material_anywhere() -> None:
    for line in ENV_EXAMPLE.read_text().splitlines():
        assert not _key_material_in(line), line


# --- lock files -----------------------------------------------------------------------------

LOCKS = {"runtime": ROOT / "requirements" / "runtime.txt", "dev": ROOT / "requirements" / "dev.txt"}
LOCKED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+)", re.MULTILINE)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked(lock: Path) -> dict[str, str]:
    return {_canonical(name): version for name, version in LOCKED.findall(lock.read_text())}


def _declared(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        pins[_canonical(name.split("[")[0])] = version
    return pins


def test_every_locked_package_is_pinned_with_a_hash() -> None:
    for lock in LOCKS.values():
        entries = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text().split("\n", 2)[2])
        assert entries, lock
        for entry in entries:
            assert LOCKED.match(entry), f"{lock.name}: not an exact pin: {entry[:60]}"
            assert "--hash=sha256:" in entry, f"{lock.name}: {entry.split()[0]} has no hash"


def test_locks_pin_what_pyproject_declares_and_agree_with_each_other() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = _locked(LOCKS["runtime"]), _locked(LOCKS["dev"])
    for name, version in _declared(project["dependencies"]).items():
        assert runtime.get(name) == version, f"runtime lock: {name} is not {version}"
    for name, version in _declared(project["optional-dependencies"]["dev"]).items():
        assert dev.get(name) == version, f"dev lock: {name} is not {version}"
        assert name not in runtime, f"{name} is a dev tool but the runtime lock installs it"
    for name, version in runtime.items():
        assert dev.get(name) == version, f"the dev lock has {name} {dev.get(name)}, not {version}"


def test_every_install_goes_through_the_hashed_locks() -> None:
    build = next(stage for stage in _stages() if "AS python-build" in stage[0][1])
    runs = [arguments for keyword, arguments in build if keyword == "RUN"]
    assert runs == ["sh scripts/install-python.sh /opt/venv requirements/runtime.txt"]
    script = (ROOT / "scripts" / "install-python.sh").read_text()
    assert "--require-hashes --no-deps -r" in script
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/install-python.sh $(VENV) requirements/runtime.txt --editable" in makefile
    assert "scripts/install-python.sh $(VENV) requirements/dev.txt --editable" in makefile
    assert "pip install" not in makefile.replace("$(PIP) install", "")
    ignored = DOCKERIGNORE.read_text().splitlines()
    assert "!scripts/install-python.sh" in ignored

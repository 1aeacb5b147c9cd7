"""Export the OpenAPI schema without a server, database or real keys."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from app.config import Environment, Settings
from app.keys import KeyMaterial
from app.kit.crypto import Keyring
from app.kit.crypto.keyring import generate_master_key
from app.kit.crypto.signing import generate_signing_key


def export_openapi() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        from app.main import create_app

        settings = Settings(
            env=Environment.DEVELOPMENT, data_dir=Path(tmp), frontend_dist=Path(tmp)
        )
        # Throw-away keys: the schema does not depend on them, and none are written anywhere.
        ephemeral = KeyMaterial(
            Keyring({1: generate_master_key()}, 1, development=True), generate_signing_key(), None
        )
        app = create_app(settings, keys=ephemeral)
        schema = app.openapi()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

from __future__ import annotations

import uuid

from app.models import User
from app.models.base import new_id


def test_ids_are_uuid7_and_time_ordered() -> None:
    ids = [new_id() for _ in range(50)]
    assert all(i.version == 7 for i in ids)
    assert all(isinstance(i, uuid.UUID) for i in ids)
    assert ids == sorted(ids)


def test_a_new_row_has_its_id_before_insert() -> None:
    # The id is part of every encrypted value's associated data.
    assert User().id.version == 7

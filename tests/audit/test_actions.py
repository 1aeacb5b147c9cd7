"""The audit vocabulary (app/audit/actions.py): one form, unique, every action described."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.audit.actions import AuditAction, audit_action
from app.audit.chain import ACTION_PATTERN

APP = Path(__file__).resolve().parents[2] / "app"


def test_every_value_is_lowercase_noun_dot_verb() -> None:
    for member in AuditAction:
        assert ACTION_PATTERN.fullmatch(member.value), member
        assert member.value == member.value.lower()


def test_values_and_names_are_unique_and_names_follow_values() -> None:
    values = [member.value for member in AuditAction]
    assert len(values) == len(set(values))
    for member in AuditAction:
        assert member.name == member.value.upper().replace(".", "_")


def test_every_action_is_described() -> None:
    for member in AuditAction:
        assert member.description.strip(), f"{member.value} has no description"
        assert member.description.rstrip().endswith("."), member.value


def test_a_member_is_its_value() -> None:
    assert AuditAction.USER_CREATED == "user.created"
    assert audit_action("user.created") is AuditAction.USER_CREATED


@pytest.mark.parametrize("value", ["made.up", "", None, 3, "USER.CREATED"])
def test_anything_else_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="not in the vocabulary"):
        audit_action(value)


def test_no_call_site_passes_a_string_literal() -> None:
    """record_event's callers name members; /tmp/audit_codemod.py rewrites strings."""
    literal = re.compile(r"""\baction\s*=\s*["'][a-z_]+\.[a-z_]+["']""")
    offenders = [
        f"{path.relative_to(APP)}:{number}"
        for path in APP.rglob("*.py")
        if "audit" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if literal.search(line)
    ]
    assert offenders == []


def test_every_member_is_recorded_somewhere_in_the_app() -> None:
    """A listed action nobody records is a stale entry (or a missing call site)."""
    source = "\n".join(p.read_text() for p in APP.rglob("*.py") if p.name != "actions.py")
    unused = [m.name for m in AuditAction if f"AuditAction.{m.name}" not in source]
    assert unused == []

"""Every email exists in every interface language, with no English left inside."""

from __future__ import annotations

import pytest

from app.notifications.templates import CHANGES, LANGUAGES, TEMPLATES, render


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_every_template_has_every_language(kind: str) -> None:
    assert set(TEMPLATES[kind]) == set(LANGUAGES)


@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize("language", ["be", "ru"])
def test_a_credential_change_reads_in_the_users_language(change: str, language: str) -> None:
    rendered = render(
        "credential_changed",
        language,
        name="Ганна",
        time="2026-11-28 10:00",
        change=change,
        remaining="3",
    )
    english = CHANGES[change]["en"].format(remaining="3")
    assert english not in rendered.body
    assert CHANGES[change][language].format(remaining="3") in rendered.body

"""Shared request and response pieces: the strict input base, bounded one-line and
multi-line text, country codes, and the small answers every domain returns."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
)

Language = Literal["en", "be", "ru"]


# C0/C1 controls and the Unicode line/paragraph separators: never inside a one-line value
# (they break emails, logs and layouts, and hide text in the UI).
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


# Multi-line text keeps newlines and tabs, nothing else invisible.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _one_line(value: str) -> str:
    if _LINE_BREAKING.search(value):
        raise ValueError("must be a single line without control characters")
    return value


def _multi_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value.replace("\r\n", "\n")


# ISO 3166-1 alpha-2, as pycountry knows them: an enum in the OpenAPI schema.
_CODES = sorted(country.alpha_2 for country in pycountry.countries)


CountryCode = StrEnum("CountryCode", [(code, code) for code in _CODES])  # type: ignore[misc]


CountryCode.__doc__ = "ISO 3166-1 alpha-2 country code"


def _country(value: object) -> str:
    # Lower case and surrounding spaces are forgiven; anything else is refused here, with a
    # short message (the enum's own would list every code).
    code = value.strip().upper() if isinstance(value, str) else ""
    if code not in CountryCode.__members__:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code")
    return code


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


Name = Annotated[str, _text(200), AfterValidator(_one_line)]


ShortName = Annotated[str, _text(50), AfterValidator(_one_line)]


Description = Annotated[str, _text(5000), AfterValidator(_multi_line)]


Contact = Annotated[str, _text(2000), AfterValidator(_multi_line)]


DisplayName = Annotated[str, _text(100), AfterValidator(_one_line)]


Country = Annotated[CountryCode, BeforeValidator(_country), AfterValidator(str)]


Token = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class Input(BaseModel):
    """Every request body: unknown fields are refused (no mass assignment)."""

    model_config = ConfigDict(extra="forbid")


class Outcome(BaseModel):
    """The answer of an action that has nothing else to return."""

    status: Literal["ok"] = "ok"


class SessionsRevoked(BaseModel):
    """How many sessions an action ended."""

    revoked: int

"""The one email address type: what it refuses, and the one spelling it keeps."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from app.kit.email import (
    EMAIL_INVALID,
    EmailAddress,
    EmailAddressInvalid,
    canonical_email,
    canonical_email_or_none,
    email_lookup_forms,
)


class Form(BaseModel):
    email: EmailAddress


REFUSED = {
    "comma list": "a@x.org,evil@evil.org",
    "semicolon list": "a@x.org;evil@evil.org",
    "display name": "Ales <ales@example.org>",
    "angle brackets": "<ales@example.org>",
    "quoted local part": '"ales"@example.org',
    "quoted with at": '"a@b"@example.org',
    "comment": "ales(work)@example.org",
    "backslash": "a\\b@example.org",
    "two at signs": "a@b@example.org",
    "double at": "a@@example.org",
    "no at": "no-at-sign.example.org",
    "nothing before at": "@example.org",
    "nothing after at": "ales@",
    "space inside": "a b@example.org",
    "no-break space": "a\u00a0b@example.org",
    "NUL": "ales\x00@example.org",
    "ESC": "ales\x1b[31m@example.org",
    "DEL": "ales\x7f@example.org",
    "C1 control": "ales\x85@example.org",
    "newline inside": "ales@example.org\nBcc: evil@evil.org",
    "zero-width joiner": "al\u200des@example.org",
    "zero-width joiner in domain": "ales@exa\u200dmple.org",
    "zero-width space": "\u200bales@example.org",
    "right-to-left override": "ales\u202e@example.org",
    "left-to-right isolate": "\u2066ales@example.org",
    "right-to-left mark": "ales@example.org\u200f",
    "arabic letter mark": "ales\u061c@example.org",
    "byte order mark": "\ufeffales@example.org",
    "soft hyphen": "al\u00ades@example.org",
    "line separator": "ales\u2028@example.org",
    "paragraph separator": "ales@example.org\u2029",
    "private use": "ales\ue000@example.org",
    "unassigned": "ales@example.org\U000e0080",
    "non-ASCII local part": "алесь@example.org",
    "fullwidth at": "ales\uff20example.org",
    "leading dot": ".ales@example.org",
    "trailing dot": "ales.@example.org",
    "double dot": "al..es@example.org",
    "single-label domain": "ales@localhost",
    "trailing dot in domain": "ales@example.org.",
    "empty label": "ales@example..org",
    "underscore in domain": "ales@ex_ample.org",
    "hyphen-edged label": "ales@-example.org",
    "IP address": "ales@192.168.0.1",
    "address literal": "ales@[192.168.0.1]",
    "numeric top-level domain": "ales@example.123",
    "invalid A-label": "ales@xn--zz.org",
    "disallowed symbol domain": "ales@☃.net",
    "local part over 64": "a" * 65 + "@example.org",
    "label over 63": "ales@" + "a" * 64 + ".org",
    "address over 254": "ales@" + ".".join(["a" * 60] * 5) + ".org",
}


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
def test_refused(value: str) -> None:
    with pytest.raises(EmailAddressInvalid) as refused:
        canonical_email(value)
    # The reason never repeats the value (it may be a password typed in the wrong field).
    assert value.strip() not in str(refused.value)
    assert canonical_email_or_none(value) is None


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("ales@example.org", "ales@example.org"),
        # Surrounding whitespace is forgiven; the domain is lower-cased, the local part kept.
        ("  Ales.Bialiatski@Example.ORG \n", "Ales.Bialiatski@example.org"),
        ("o'brien+appeals@example.org", "o'brien+appeals@example.org"),
        ("a!#$%&'*+/=?^_`{|}~-z@example.org", "a!#$%&'*+/=?^_`{|}~-z@example.org"),
        ("admin@accord.localhost", "admin@accord.localhost"),
        # Internationalized domains: IDNA 2008 + UTS 46, stored as A-labels.
        ("ales@bücher.example", "ales@xn--bcher-kva.example"),
        ("ales@BÜCHER.example", "ales@xn--bcher-kva.example"),
        ("ales@xn--bcher-kva.example", "ales@xn--bcher-kva.example"),
        ("ales@XN--BCHER-KVA.example", "ales@xn--bcher-kva.example"),
        ("ales@пример.бел", "ales@xn--e1afmkfd.xn--90ais"),
        # IDNA 2003 (Python's codec) would make this fass.de: another domain.
        ("ales@faß.de", "ales@xn--fa-hia.de"),
        # A Cyrillic "а" in a Latin-looking domain shows as what it is.
        ("ales@аpple.com", "ales@xn--pple-43d.com"),
        # NFD input is composed (NFC) before the domain is converted.
        ("ales@bu\u0308cher.example", "ales@xn--bcher-kva.example"),
    ],
)
def test_canonical(value: str, canonical: str) -> None:
    assert canonical_email(value) == canonical
    assert canonical_email(canonical) == canonical  # idempotent


def test_limits_are_rfc_5321s() -> None:
    local = "a" * 64
    domain = ".".join(["b" * 63, "c" * 63, "d" * 61, "org"])
    assert len(f"{local}@{domain}") > 254
    with pytest.raises(EmailAddressInvalid):
        canonical_email(f"{local}@{domain}")
    fits = f"{local}@" + ".".join(["b" * 63, "c" * 63, "d" * 57, "org"])
    assert len(fits) == 254
    assert canonical_email(fits) == fits


def test_the_pydantic_type_reports_a_stable_error_type() -> None:
    assert Form(email=" Ales@Example.ORG ").email == "Ales@example.org"
    with pytest.raises(ValidationError) as refused:
        Form(email="a@x.org,evil@evil.org")
    (error,) = refused.value.errors()
    assert error["type"] == EMAIL_INVALID
    assert "evil" not in error["msg"]
    with pytest.raises(ValidationError):
        Form(email=42)  # type: ignore[arg-type]


def test_the_schema_states_the_format_and_limits() -> None:
    schema = Form.model_json_schema()["properties"]["email"]
    assert schema["type"] == "string"
    assert schema["format"] == "email"
    assert (schema["minLength"], schema["maxLength"]) == (3, 254)


def test_lookups_see_every_spelling() -> None:
    forms = email_lookup_forms("Ales@Bücher.example")
    assert forms == ["Ales@Bücher.example", "Ales@xn--bcher-kva.example", "Ales@bücher.example"]
    # Sign-in stays lenient: what is not an address is still looked up (and not found).
    assert email_lookup_forms("not an address") == ["not an address"]

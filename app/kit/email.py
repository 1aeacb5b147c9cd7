"""One email address type for every place that accepts one (invitations, email changes,
admin accounts): validated, then reduced to one canonical spelling.

Policy:

- one bare address: no display name, quotes, comments, commas or second ``@``;
- no control, format (zero-width joiners, bidi overrides), line/paragraph separator,
  private-use or unassigned characters, and no spaces inside;
- the local part (before ``@``) is an RFC 5322 dot-atom in ASCII. Unicode local parts
  (RFC 6531) need SMTPUTF8 on every relay on the way, and invite look-alike addresses;
- the domain is a host name of at least two labels; internationalized domains are accepted
  and converted to their ASCII form (IDNA 2008 with UTS 46 mapping, the ``idna`` package:
  Python's own ``idna`` codec implements IDNA 2003, which maps ``faß.de`` to ``fass.de``,
  a different domain). Look-alike domains therefore show as ``xn--…``, never disguised;
- RFC 5321 limits: local part 64 octets, domain 253, address 254.

The canonical form is NFC, the local part as typed (mail servers may treat case as
significant; lookups are case-insensitive through the blind index anyway) and the domain in
lower-case ASCII. Every address stored from now on is that form, so ``bücher.de`` and
``xn--bcher-kva.de`` are one address.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Final

import idna
from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from app.kit.crypto.blind_index import blind_index_candidates
from app.kit.crypto.keyring import Keyring

MAX_ADDRESS_OCTETS: Final = 254
MAX_LOCAL_OCTETS: Final = 64
MAX_DOMAIN_OCTETS: Final = 253
MAX_LABEL_OCTETS: Final = 63

# The stable error type a refused address reports in a validation problem's ``errors``.
EMAIL_INVALID: Final = "email_invalid"

# Unicode categories never part of an address: controls, format characters (ZWJ, ZWNJ,
# bidi embeddings, overrides and isolates, BOM, soft hyphen …), surrogates, private use,
# unassigned, and every separator (spaces, U+2028, U+2029).
_REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
# What would make the value more than one bare address: lists, display names, quoted
# strings, comments, address literals, routes.
_STRUCTURE: Final = frozenset(',;<>"()[]\\:')
# RFC 5322 dot-atom text.
_ATOM: Final = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_PART: Final = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
_LABEL: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
# Only what humans paste around an address; anything else invisible is refused.
_SURROUNDING: Final = " \t\r\n"


class EmailAddressInvalid(ValueError):
    """The value is not an address this application accepts; ``str()`` says why (without
    repeating the value)."""


def _refuse(reason: str) -> EmailAddressInvalid:
    return EmailAddressInvalid(f"not a valid email address: {reason}")


def _ascii_domain(domain: str) -> str:
    if domain.isascii():
        ascii_domain = domain.lower()
    else:
        try:
            ascii_domain = idna.encode(domain, uts46=True, std3_rules=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            raise _refuse("the domain is not a valid internationalized domain name") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2:
        raise _refuse("the domain needs at least two labels (like example.org)")
    for label in labels:
        if not label or len(label) > MAX_LABEL_OCTETS or not _LABEL.fullmatch(label):
            raise _refuse("the domain is not a valid host name")
        if label.startswith("xn--"):
            # An A-label typed as such must be the one IDNA would produce.
            try:
                idna.decode(label)
            except (idna.IDNAError, UnicodeError):
                raise _refuse("the domain is not a valid internationalized domain name") from None
    if labels[-1].isdigit():
        raise _refuse("the domain is not a host name")
    if len(ascii_domain) > MAX_DOMAIN_OCTETS:
        raise _refuse("the domain is too long")
    return ascii_domain


def canonical_email(value: str) -> str:
    """Return the canonical form of ``value``, or raise EmailAddressInvalid."""
    value = unicodedata.normalize("NFC", value.strip(_SURROUNDING))
    if len(value) > MAX_ADDRESS_OCTETS:
        raise _refuse(f"longer than {MAX_ADDRESS_OCTETS} characters")
    for char in value:
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            raise _refuse("it contains spaces, invisible or control characters")
        if char in _STRUCTURE:
            raise _refuse("give one bare address, without a name, quotes or a list")
    local, at, domain = value.partition("@")
    if not at or "@" in domain:
        raise _refuse("it needs exactly one @")
    if not local or not domain:
        raise _refuse("something is missing before or after the @")
    if not local.isascii():
        raise _refuse("the part before the @ must use Latin letters, digits and punctuation")
    if len(local) > MAX_LOCAL_OCTETS:
        raise _refuse(f"the part before the @ is longer than {MAX_LOCAL_OCTETS} characters")
    if not _LOCAL_PART.fullmatch(local):
        raise _refuse("the part before the @ is not valid")
    address = f"{local}@{_ascii_domain(domain)}"
    if len(address) > MAX_ADDRESS_OCTETS:
        raise _refuse(f"longer than {MAX_ADDRESS_OCTETS} characters")
    return address


def canonical_email_or_none(value: str) -> str | None:
    try:
        return canonical_email(value)
    except EmailAddressInvalid:
        return None


def email_lookup_forms(value: str) -> list[str]:
    """Every spelling under which an account for ``value`` may have been indexed: the
    value as given, its canonical form, and the canonical form with a Unicode domain
    (addresses stored before this module existed kept the domain as typed).

    For lookups that must stay lenient (sign-in answers the same for any unknown account,
    whatever its syntax) and for uniqueness checks that must see older rows.
    """
    forms = [value]
    canonical = canonical_email_or_none(value)
    if canonical is not None:
        forms.append(canonical)
        local, _, domain = canonical.rpartition("@")
        try:
            forms.append(f"{local}@{idna.decode(domain)}")
        except (idna.IDNAError, UnicodeError):  # pragma: no cover - canonical domains decode
            pass
    return list(dict.fromkeys(forms))


def _validated(value: str) -> str:
    try:
        return canonical_email(value)
    except EmailAddressInvalid as refused:
        # A stable type for clients; the message never repeats the value.
        raise PydanticCustomError(EMAIL_INVALID, str(refused)) from None


# The request field type. The schema states what is accepted; surrounding whitespace is
# forgiven, and the value reaches the handler in canonical form.
EmailAddress = Annotated[
    str,
    AfterValidator(_validated),
    WithJsonSchema(
        {
            "type": "string",
            "format": "email",
            "minLength": 3,
            "maxLength": MAX_ADDRESS_OCTETS,
            "description": "One bare address (no name, quotes or list); the part before @ "
            "in ASCII; internationalized domains are stored in their ASCII (xn--) form",
        }
    ),
]


def email_index_candidates(keyring: Keyring, email: str, *, domain: str) -> set[bytes]:
    """Blind indexes under which ``email`` may be stored: every spelling of the address
    (:func:`email_lookup_forms`) under every key version, so that rows indexed before
    canonical addresses, or before a key rotation, still match."""
    return {
        index
        for form in email_lookup_forms(email)
        for index in blind_index_candidates(keyring, form, domain=domain)
    }

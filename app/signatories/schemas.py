"""Request and response shapes of the signing API."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import pycountry
from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator

from app.appeals.schemas import BlockRead, Sha256
from app.kit.email import EmailAddress, EmailAddressInvalid, canonical_email
from app.kit.schemas import Input, Name, _one_line
from app.models.signatories import LINE_MAX

TierName = Literal["public", "withheld", "counted"]
# Who signs through the signed-in API; "public" signatures come from the public page.
SignerKind = Literal["member", "organization"]
SignatureKind = Literal["member", "organization", "public"]
SignatureStatus = Literal[
    "unconfirmed",
    "pending_second_officer",
    "counted",
    "awaiting_reconsent",
    "lapsed",
    "invalidated",
]
Language = Literal["en", "be", "ru"]
Line = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=LINE_MAX),
    AfterValidator(_one_line),
]
Reference = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_one_line),
]
# Stored comma-separated in 64 characters (app/models/signatories.py).
MAX_MILESTONES = 5
MAX_SIGNATURES = 100_000_000


def _raw_key(value: str) -> str:
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("must be base64url") from None
    if len(raw) != 32:
        raise ValueError("must be 32 bytes (an X25519 public key, raw)")
    return value


PublicKey = Annotated[str, StringConstraints(max_length=64), AfterValidator(_raw_key)]


def key_bytes(value: str) -> bytes:
    return base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_")


def key_text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


class CustodianIn(Input):
    user_id: uuid.UUID
    organization_id: uuid.UUID


class SigningWindowIn(Input):
    closes_at: datetime
    target: Annotated[int | None, Field(ge=1, le=MAX_SIGNATURES)] = None
    milestones: Annotated[
        list[Annotated[int, Field(ge=1, le=MAX_SIGNATURES)]], Field(max_length=MAX_MILESTONES)
    ] = []
    tiers: Annotated[list[TierName], Field(min_length=1, max_length=3)]
    allow_organizations: bool
    allow_members: bool
    # A public page where anyone may sign, confirming by a code sent to their email.
    allow_public: bool = False
    custodians: Annotated[list[CustodianIn], Field(min_length=2, max_length=9)]
    threshold: Annotated[int, Field(ge=2, le=9)]

    @model_validator(mode="after")
    def _coherent(self) -> SigningWindowIn:
        if self.closes_at.tzinfo is None:
            raise ValueError("closes_at needs a time zone (e.g. 2027-01-31T18:00:00Z)")
        if not (self.allow_organizations or self.allow_members or self.allow_public):
            raise ValueError("organizations, members or the public must be allowed to sign")
        if self.threshold > len(self.custodians):
            raise ValueError("threshold cannot exceed the number of custodians")
        return self


class MandateIn(Input):
    resolved_on: date
    reference: Reference


class SignatureCreate(Input):
    kind: SignerKind
    organization_id: uuid.UUID | None = None
    tier: TierName
    name: Name
    line: Line | None = None
    mandate: MandateIn | None = None
    # The frozen revision the signer read: signing binds to exactly that text.
    revision_sha256: Sha256

    @model_validator(mode="after")
    def _coherent(self) -> SignatureCreate:
        if self.kind == "organization" and self.organization_id is None:
            raise ValueError("organization_id is needed to sign for an organization")
        if self.kind == "member" and (self.organization_id or self.mandate):
            raise ValueError("a member signs for themselves: no organization_id or mandate")
        return self


class ReconsentIn(Input):
    revision_sha256: Sha256


class CustodyKeyIn(Input):
    public_key: PublicKey


class CustodyKeyRead(BaseModel):
    """The caller's custody public key; both null when none is set up (not a 404: a page
    asking is not an error)."""

    public_key: str | None
    created_at: datetime | None


class ReceiptCheckIn(Input):
    code: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class ReceiptRead(BaseModel):
    """All a receipt reveals: the signature's state and the text it is bound to."""

    status: SignatureStatus
    revision_sha256: str


class SigningWindowRead(BaseModel):
    closes_at: datetime
    target: int | None
    milestones: list[int]
    tiers: list[TierName]
    allow_organizations: bool
    allow_members: bool
    allow_public: bool
    custody_threshold: int
    custodians: int
    ended_at: datetime | None


class CountsRead(BaseModel):
    """Counted signatures; ``None`` means fewer than 10 (shown to people outside the
    appeal's writers, so that a small number cannot point at someone)."""

    exact: bool
    total: int | None
    organizations: int | None
    people: int | None
    by_tier: dict[TierName, int | None]
    awaiting_reconsent: int | None
    pending_second_officer: int | None
    invalidated: int | None


class MySignatureRead(BaseModel):
    id: uuid.UUID
    kind: SignatureKind
    organization_id: uuid.UUID | None
    tier: TierName
    status: SignatureStatus
    revision_sha256: str
    # For a two-officer signature: whether the actor is the officer who asked (then
    # another representative must confirm).
    asked_by_me: bool
    confirm_by: datetime | None
    name: str | None
    line: str | None
    # The organization signed for, by name (members see their organizations' signatures).
    organization_name: str | None
    # Whether the caller may confirm, re-consent or withdraw it: their own, or one for an
    # organization they represent (a plain member only sees it).
    may_act: bool


class SignOption(BaseModel):
    kind: SignerKind
    organization_id: uuid.UUID | None
    organization_name: str | None
    two_officers: bool


class SigningRead(BaseModel):
    appeal_id: uuid.UUID
    title: str
    state: str
    open: bool
    window: SigningWindowRead
    revision_sha256: str | None
    blocks: list[BlockRead]
    counts: CountsRead
    mine: list[MySignatureRead]
    can_sign: list[SignOption]
    can_export: bool
    can_run: bool
    # Holds a share of the custody key: takes part in unsealing.
    is_custodian: bool


class SignatureReceipt(BaseModel):
    """A new signature and its receipt code: shown this once, kept only as a MAC."""

    signature: MySignatureRead
    receipt_code: str


class PublicSignatureRead(BaseModel):
    id: uuid.UUID
    kind: SignatureKind
    name: str
    line: str | None


class PublicSignaturePage(BaseModel):
    items: list[PublicSignatureRead]
    next_cursor: uuid.UUID | None


class CustodianCandidate(BaseModel):
    user_id: uuid.UUID
    name: str
    organization_id: uuid.UUID
    organization_name: str


class CustodianCandidates(BaseModel):
    items: list[CustodianCandidate]


class OpenAppeal(BaseModel):
    appeal_id: uuid.UUID
    title: str
    closes_at: datetime


class OpenAppeals(BaseModel):
    items: list[OpenAppeal]


def _sealed_blob(value: str) -> str:
    try:
        base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("must be base64url") from None
    return value


SealedBlob = Annotated[str, StringConstraints(max_length=256), AfterValidator(_sealed_blob)]
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=10, max_length=2000),
    AfterValidator(_one_line),
]


class UnsealRequestIn(Input):
    reason: Reason
    # An X25519 key made in the requester's browser for this request.
    public_key: PublicKey


class UnsealApprovalIn(Input):
    # The custodian's share, sealed by their browser to the request's key.
    sealed_share: SealedBlob


class UnsealRequestRead(BaseModel):
    id: uuid.UUID
    requested_by: str | None
    requested_by_me: bool
    reason: str
    created_at: datetime
    public_key: str
    approvals: int
    threshold: int
    approved_by_me: bool
    # The caller's own share, sealed to their custody key: their browser opens it and
    # seals it again to ``public_key`` to approve.
    my_sealed_share: str
    # The custody key the caller's share was sealed to (to pick the right key file).
    my_custody_key: str


class UnsealRequests(BaseModel):
    items: list[UnsealRequestRead]
    sealed_identities: int


class UnsealedShare(BaseModel):
    custodian_id: uuid.UUID
    sealed_share: str


class SealedIdentity(BaseModel):
    signature_id: uuid.UUID
    kind: SignatureKind
    tier: TierName
    status: SignatureStatus
    sealed_identity: str


class UnsealBundle(BaseModel):
    """What the requester's browser needs to open the identities; all of it ciphertext."""

    appeal_id: uuid.UUID
    custody_public_key: str
    shares: list[UnsealedShare]
    identities: list[SealedIdentity]


# --- the public page ----------------------------------------------------------------------


class PublicAppealRead(BaseModel):
    """What the public page shows: the frozen text and its hash, the tiers a signer may
    choose, and counts as anyone outside sees them (cells under 10 hidden)."""

    appeal_id: uuid.UUID
    title: str
    open: bool
    closes_at: datetime
    revision_sha256: str | None
    blocks: list[BlockRead]
    tiers: list[TierName]
    counts: CountsRead
    # Opening sealed identities takes custody_threshold of the custodians (k of n).
    custody_threshold: int
    custodians: int


class ChallengeRead(BaseModel):
    """A proof-of-work challenge (ALTCHA v1): find n ≤ max_number with
    SHA-256(salt + n) = challenge; send back the fields with ``number`` as the payload."""

    algorithm: str
    challenge: str
    max_number: int
    salt: str
    signature: str


def _country(value: str) -> str:
    found = pycountry.countries.get(alpha_2=value.upper())
    if found is None:
        raise ValueError("not an ISO 3166-1 alpha-2 country code")
    return str(found.alpha_2)


CountryCode = Annotated[
    str, StringConstraints(min_length=2, max_length=2), AfterValidator(_country)
]
Payload = Annotated[str, StringConstraints(min_length=1, max_length=2048)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=32)]


class PublicSignatureCreate(Input):
    name: Name
    line: Line | None = None
    country: CountryCode | None = None
    email: EmailAddress
    tier: TierName
    revision_sha256: Sha256
    # The signer agrees to what the page says is stored and for how long.
    consent: Literal[True]
    # The language of the page: the email comes in it.
    language: Language = "en"
    proof_of_work: Payload


class CodeSent(BaseModel):
    """Said whatever the email's history: an email went to the address (a code, or word
    that it already signed)."""

    status: Literal["code_sent"] = "code_sent"


class PublicConfirmIn(Input):
    email: EmailAddress
    code: Code
    # Email me when a government's response is published (app/outreach/updates.py): the
    # address is then kept, encrypted and apart from the signature, until unsubscribed.
    updates: bool = False
    language: Language = "en"


class UnsubscribeIn(Input):
    token: Annotated[str, StringConstraints(min_length=16, max_length=128)]


class PublicReceipt(BaseModel):
    """A confirmed public signature: counted, with its receipt code (shown this once)."""

    status: SignatureStatus
    tier: TierName
    revision_sha256: str
    receipt_code: str


class PublicWithdrawalIn(Input):
    receipt_code: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    email: EmailAddress
    language: Language = "en"


class PublicWithdrawalConfirmIn(Input):
    receipt_code: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    code: Code


# --- bulk invalidation ---------------------------------------------------------------------


def _domain(value: str) -> str:
    try:
        return canonical_email("x@" + value).partition("@")[2]
    except EmailAddressInvalid:
        raise ValueError("not an email domain") from None


EmailDomain = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=253),
    AfterValidator(_domain),
]


class InvalidationCondition(Input):
    """Which signatures: all conditions given must hold; at least one is needed."""

    signed_from: datetime | None = None
    signed_until: datetime | None = None
    # Public signers whose email is at this domain.
    email_domain: EmailDomain | None = None
    unconfirmed_only: bool = False

    @model_validator(mode="after")
    def _aware(self) -> InvalidationCondition:
        for moment in (self.signed_from, self.signed_until):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("times need a time zone (e.g. 2027-01-31T18:00:00Z)")
        return self


class InvalidationPreview(BaseModel):
    matching: int
    by_status: dict[SignatureStatus, int]


class InvalidationIn(InvalidationCondition):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
    # The number the preview showed: if it changed, nothing is applied (409).
    expected: Annotated[int, Field(ge=0)]


class InvalidationResult(BaseModel):
    invalidated: int


class PublicReconsentIn(PublicWithdrawalConfirmIn):
    # The new text the signer read: the signature binds to exactly that.
    revision_sha256: Sha256

"""`accord demo load`: a realistic coalition in an empty development database, so that a
newcomer sees every page populated — organizations and their people, an appeal in the shape
of a coalition's letter (written for the demo) open for signatures with signatories, EU
governments as recipients, dispatches, a few responses with stances, follow-ups and a
published tracker. Refused in production and on a database that already holds appeals or
recipients.

The accounts it makes get one-time passwords (printed once by the command) and must change
them and enrol a second factor at first sign-in, like every other account. The appeal's
custody private key is thrown away at once: the demo's withheld signatures can never be
opened, by design.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import SYSTEM
from app.appeals.text.blocks import Block, BlockKind, blocks_to_json, new_block_id
from app.appeals.text.canonical import normalize_blocks, text_sha256
from app.auth.passwords import generate_initial_password, password_hasher
from app.auth.service import create_account
from app.config import Settings
from app.keys import current_keyring
from app.kit.crypto.sealing import generate_sealing_keypair, seal
from app.memberships.service import add_membership
from app.models.appeals import Appeal, AppealApproval, AppealParticipant, AppealRevision
from app.models.outreach import (
    AppealOutreach,
    Dispatch,
    FollowUp,
    Recipient,
    RecipientGroup,
    RecipientGroupMember,
    Response,
    ResponseStance,
)
from app.models.signatories import Signature, SigningWindow
from app.models.users import PlatformRole
from app.organizations.schemas import OrganizationCreate
from app.organizations.service import create_organization
from app.signatories import counts
from app.signatories.service import IDENTITY_INFO, identity_aad


class DemoRefused(Exception):
    """The demo is for an empty development database only."""


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    password: str


ORGANIZATIONS = [
    ("Free Press Association", "FPA", "LT"),
    ("Human Rights Circle", "HRC", "PL"),
    ("Diaspora Council of Democratic Initiatives", "DCDI", "LV"),
]
# (email, name, platform role or organization index and org role)
PEOPLE: list[tuple[str, str, str, int | None, str]] = [
    ("coordinator@example.org", "Daria Coordinator", "coordinator", None, ""),
    ("lead.rep@example.org", "Andrei Lead", "", 0, "representative"),
    ("lead.member@example.org", "Maryia Writer", "", 0, "member"),
    ("circle.rep@example.org", "Tomasz Circle", "", 1, "representative"),
    ("council.rep@example.org", "Inga Council", "", 2, "representative"),
]

TITLE = "On the release of imprisoned journalists"


def letter_blocks() -> list[Block]:
    """The demo appeal: a coalition's letter to governments, in our own words."""

    def block(kind: BlockKind, text: str) -> Block:
        return Block(new_block_id(), kind, text)

    return normalize_blocks(
        [
            block(BlockKind.TITLE, TITLE),
            block(BlockKind.SALUTATION, "Your Excellency,"),
            block(
                BlockKind.PARAGRAPH,
                "We, the undersigned organizations of a coalition of independent media and "
                "human rights groups, write to you about the journalists held in prison for "
                "their reporting. Many of them have spent years behind bars; several are "
                "denied medical care and any contact with their families.",
            ),
            block(
                BlockKind.PARAGRAPH,
                "Their only offence was to tell the truth. Silence abroad is read at home as "
                "consent. We therefore respectfully ask your government to:",
            ),
            block(
                BlockKind.ASK,
                "Call publicly and at every bilateral meeting for the immediate and "
                "unconditional release of all imprisoned journalists.",
            ),
            block(
                BlockKind.ASK,
                "Offer humanitarian visas and safe passage to those released and to their "
                "families.",
            ),
            block(
                BlockKind.ASK,
                "Support an independent international mechanism to document the "
                "persecution of the press and hold those responsible to account.",
            ),
            block(
                BlockKind.PARAGRAPH,
                "We would welcome the opportunity to brief your officials in person.",
            ),
            block(BlockKind.CLOSING, "Respectfully yours,"),
        ]
    )


# (country, kind, short name, addressee lines, salutation, language)
RECIPIENTS: list[tuple[str, str, str, str, str, str]] = [
    (
        "DK",
        "government",
        "Denmark — Prime Minister",
        "The Prime Minister of Denmark\nPrime Minister's Office\nCopenhagen",
        "Dear Prime Minister,",
        "en",
    ),
    (
        "SE",
        "ministry",
        "Sweden — Minister for Foreign Affairs",
        "The Minister for Foreign Affairs of Sweden\nMinistry for Foreign Affairs\nStockholm",
        "Dear Minister,",
        "en",
    ),
    (
        "FI",
        "ministry",
        "Finland — Minister for Foreign Affairs",
        "The Minister for Foreign Affairs of Finland\nHelsinki",
        "Dear Minister,",
        "en",
    ),
    (
        "EE",
        "ministry",
        "Estonia — Minister of Foreign Affairs",
        "The Minister of Foreign Affairs of Estonia\nTallinn",
        "Dear Minister,",
        "en",
    ),
    (
        "LV",
        "ministry",
        "Latvia — Minister of Foreign Affairs",
        "The Minister of Foreign Affairs of Latvia\nRiga",
        "Dear Minister,",
        "en",
    ),
    (
        "LT",
        "ministry",
        "Lithuania — Minister of Foreign Affairs",
        "The Minister of Foreign Affairs of Lithuania\nVilnius",
        "Dear Minister,",
        "en",
    ),
    (
        "PL",
        "ministry",
        "Poland — Minister of Foreign Affairs",
        "The Minister of Foreign Affairs of Poland\nWarsaw",
        "Dear Minister,",
        "en",
    ),
    (
        "DE",
        "ministry",
        "Germany — Federal Foreign Office",
        "The Federal Minister for Foreign Affairs\nFederal Foreign Office\nBerlin",
        "Dear Minister,",
        "en",
    ),
    (
        "FR",
        "ministry",
        "France — Minister for Europe and Foreign Affairs",
        "The Minister for Europe and Foreign Affairs\nParis",
        "Dear Minister,",
        "en",
    ),
    (
        "NL",
        "ministry",
        "Netherlands — Minister of Foreign Affairs",
        "The Minister of Foreign Affairs of the Netherlands\nThe Hague",
        "Dear Minister,",
        "en",
    ),
    (
        "IE",
        "parliament",
        "Ireland — Joint Committee on Foreign Affairs",
        "The Chair of the Joint Committee on Foreign Affairs\nHouses of the Oireachtas\nDublin",
        "Dear Chair,",
        "en",
    ),
    (
        "CZ",
        "ministry",
        "Czechia — Minister of Foreign Affairs",
        "The Minister of Foreign Affairs of the Czech Republic\nPrague",
        "Dear Minister,",
        "en",
    ),
]
PUBLIC_SIGNERS = [
    ("Alena Kavalenka", "Journalist, former editor of a regional weekly"),
    ("Siarhei Maroz", "Photographer"),
    ("Ірына Навуменка", "Выкладчыца, Гродна"),
    ("Павел Сакалоў", "Правабаронца"),
    ("Jan Nowicki", "Member of the Polish Association of Journalists"),
    ("Marta Lind", "Editor, Stockholm"),
]


async def _is_empty(session: AsyncSession) -> bool:
    appeals = await session.scalar(select(func.count()).select_from(Appeal))
    recipients = await session.scalar(select(func.count()).select_from(Recipient))
    return not appeals and not recipients


async def load_demo(
    session: AsyncSession, *, settings: Settings, now: datetime
) -> list[DemoAccount]:
    """Fill an empty development database (see the module docstring); the accounts made."""
    if settings.is_production:
        raise DemoRefused("the demo is refused in production")
    if not await _is_empty(session):
        raise DemoRefused(
            "the database already holds appeals or recipients: the demo needs an empty one"
        )
    today = now.date()
    hasher = password_hasher(settings.auth)

    organizations = [
        await create_organization(
            session,
            actor=SYSTEM,
            data=OrganizationCreate(name=name, short_name=short, country=country),
            now=now,
        )
        for name, short, country in ORGANIZATIONS
    ]
    accounts: list[DemoAccount] = []
    users = {}
    for email, name, platform_role, organization, org_role in PEOPLE:
        password = generate_initial_password()
        user = await create_account(
            session,
            actor=SYSTEM,
            hasher=hasher,
            email=email,
            display_name=name,
            password=password,
            platform_roles=frozenset({PlatformRole(platform_role)})
            if platform_role
            else frozenset(),
            password_change_required=True,
        )
        if organization is not None:
            await add_membership(
                session,
                actor=SYSTEM,
                user_id=user.id,
                organization_id=organizations[organization].id,
                role=org_role,
                now=now,
                via="demo",
            )
        users[email] = user
        accounts.append(
            DemoAccount(
                email,
                platform_role or f"{org_role} of {ORGANIZATIONS[organization or 0][1]}",
                password,
            )
        )
    coordinator = users["coordinator@example.org"]

    appeal, asks = await _open_appeal(session, organizations, users, now=now)
    await _draft_appeal(session, organizations[1].id, users["circle.rep@example.org"].id, now=now)
    await _outreach(session, appeal, asks, coordinator.id, today=today, now=now)
    await session.flush()
    return accounts


async def _open_appeal(  # type: ignore[no-untyped-def]
    session: AsyncSession, organizations, users, *, now: datetime
) -> tuple[Appeal, list[str]]:
    blocks = letter_blocks()
    sha256 = text_sha256(blocks)
    lead = organizations[0]
    author = users["lead.member@example.org"].id
    appeal = Appeal(
        lead_organization_id=lead.id,
        state="open",
        language="en",
        head_number=1,
        head_sha256=sha256,
        frozen_sha256=sha256,
        created_by=author,
        created_at=now - timedelta(days=40),
        updated_at=now - timedelta(days=20),
    )
    appeal.title = TITLE
    session.add(appeal)
    await session.flush()
    revision = AppealRevision(
        appeal_id=appeal.id,
        number=1,
        sha256=sha256,
        author_id=author,
        created_at=now - timedelta(days=30),
    )
    revision.blocks_json = blocks_to_json(blocks)
    session.add(revision)
    await session.flush()
    appeal.head_revision_id = revision.id
    for organization in organizations:
        session.add(
            AppealParticipant(
                appeal_id=appeal.id,
                organization_id=organization.id,
                role="lead" if organization is lead else "co_author",
                status="accepted",
                invited_by=author,
            )
        )
        session.add(
            AppealApproval(
                appeal_id=appeal.id,
                organization_id=organization.id,
                revision_id=revision.id,
                sha256=sha256,
            )
        )
    # The custody private key is dropped here: the demo's sealed identities stay sealed.
    _, custody_public = generate_sealing_keypair()
    window = SigningWindow(
        appeal_id=appeal.id,
        closes_at=now + timedelta(days=30),
        milestones_csv="10,50",
        tiers_csv="public,withheld,counted",
        allow_organizations=True,
        allow_members=True,
        allow_public=True,
        custody_public_key=custody_public,
        custody_threshold=2,
        key_version=current_keyring().current_version,
        opened_by=users["coordinator@example.org"].id,
        created_at=now - timedelta(days=20),
    )
    session.add(window)
    await session.flush()
    for index, organization in enumerate(organizations):
        await _signature(
            session,
            appeal,
            kind="organization",
            tier="public",
            name=organization.name,
            line=None,
            organization_id=organization.id,
            at=now - timedelta(days=19 - index),
        )
    for index, (name, line) in enumerate(PUBLIC_SIGNERS):
        await _signature(
            session,
            appeal,
            kind="public",
            tier="public",
            name=name,
            line=line,
            at=now - timedelta(days=18 - index),
        )
    for index in range(14):
        await _signature(
            session,
            appeal,
            kind="public",
            tier="withheld" if index % 2 else "counted",
            name=f"Withheld signer {index + 1}",
            line=None,
            sealed_to=custody_public,
            at=now - timedelta(days=17),
        )
    return appeal, [block.id for block in blocks if block.kind == BlockKind.ASK]


async def _signature(  # type: ignore[no-untyped-def]
    session: AsyncSession,
    appeal: Appeal,
    *,
    kind: str,
    tier: str,
    name: str,
    line: str | None,
    at: datetime,
    organization_id: uuid.UUID | None = None,
    sealed_to: bytes | None = None,
) -> None:
    signature = Signature(
        appeal_id=appeal.id,
        kind=kind,
        tier=tier,
        status="counted",
        revision_sha256=appeal.frozen_sha256,
        organization_id=organization_id,
        counted_at=at,
        created_at=at,
    )
    if sealed_to is None:
        signature.public_name, signature.public_line = name, line
    else:
        signature.sealed_identity = seal(
            sealed_to,
            json.dumps({"kind": kind, "name": name}, ensure_ascii=False).encode(),
            info=IDENTITY_INFO,
            aad=identity_aad(appeal.id, signature.id),
        )
    session.add(signature)
    await session.flush()
    await counts.move(session, appeal.id, kind=kind, tier=tier, before=None, after="counted")


async def _draft_appeal(
    session: AsyncSession, organization_id: uuid.UUID, author: uuid.UUID, *, now: datetime
) -> None:
    """A second appeal, still a draft of one organization: the drafting pages have content."""
    blocks = normalize_blocks(
        [
            Block(new_block_id(), BlockKind.TITLE, "Medical care for prisoners of conscience"),
            Block(new_block_id(), BlockKind.SALUTATION, "Dear Commissioner,"),
            Block(
                new_block_id(),
                BlockKind.PARAGRAPH,
                "We write about prisoners denied medical care. This draft is still being "
                "written: comment on it and suggest changes.",
            ),
            Block(new_block_id(), BlockKind.ASK, "Ask for independent medical visits."),
            Block(new_block_id(), BlockKind.CLOSING, "Sincerely,"),
        ]
    )
    appeal = Appeal(
        lead_organization_id=organization_id,
        state="draft",
        language="en",
        head_number=1,
        head_sha256=text_sha256(blocks),
        created_by=author,
        created_at=now - timedelta(days=2),
        updated_at=now - timedelta(days=1),
    )
    appeal.title = "Medical care for prisoners of conscience"
    session.add(appeal)
    await session.flush()
    revision = AppealRevision(
        appeal_id=appeal.id, number=1, sha256=appeal.head_sha256, author_id=author
    )
    revision.blocks_json = blocks_to_json(blocks)
    session.add(revision)
    await session.flush()
    appeal.head_revision_id = revision.id
    session.add(
        AppealParticipant(
            appeal_id=appeal.id,
            organization_id=organization_id,
            role="lead",
            status="accepted",
            invited_by=author,
        )
    )


async def _outreach(
    session: AsyncSession,
    appeal: Appeal,
    asks: list[str],
    coordinator_id: uuid.UUID,
    *,
    today: date,
    now: datetime,
) -> None:
    """EU governments, a saved group, dispatches to most of them, a few responses (one
    published), follow-ups (one overdue) and a published tracker."""
    group = RecipientGroup(created_by=coordinator_id)
    group.name = "EU foreign ministers"
    session.add(group)
    recipients = []
    for country, kind, name, addressee, salutation, language in RECIPIENTS:
        recipient = Recipient(
            kind=kind, country=country, language=language, created_by=coordinator_id
        )
        recipient.name = name
        recipient.addressee = addressee
        recipient.salutation = salutation
        recipient.email = f"office.{country.lower()}@gov.example"
        recipient.tags_json = json.dumps(["EU"])
        session.add(recipient)
        recipients.append(recipient)
    await session.flush()
    for recipient in recipients:
        if recipient.kind == "ministry":
            session.add(RecipientGroupMember(group_id=group.id, recipient_id=recipient.id))

    # (recipient index, days ago sent, channel, response: (kind, days ago, stances, published))
    plan: list[tuple[int, int, str, tuple[str, int, list[str], bool] | None]] = [
        (
            0,
            18,
            "post",
            ("substantive_reply", 6, ["supports", "partially_supports", "supports"], True),
        ),
        (1, 18, "email", ("acknowledgement", 15, [], False)),
        (2, 18, "email", None),
        (
            3,
            17,
            "diplomatic_note",
            ("substantive_reply", 4, ["supports", "supports", "no_position"], True),
        ),
        (
            4,
            17,
            "email",
            ("meeting_offered", 9, ["supports", "not_addressed", "not_addressed"], False),
        ),
        (
            5,
            16,
            "hand_delivery",
            ("substantive_reply", 3, ["supports", "supports", "supports"], True),
        ),
        (6, 16, "post", None),
        (7, 45, "post", None),  # sent long ago, never answered: its follow-up is overdue
        (8, 15, "email", ("refusal", 5, ["opposes", "no_position", "opposes"], False)),
    ]
    for index, sent_ago, channel, answer in plan:
        sent_on = today - timedelta(days=sent_ago)
        dispatch = Dispatch(
            appeal_id=appeal.id,
            recipient_id=recipients[index].id,
            revision_sha256=appeal.frozen_sha256,
            language="en",
            channel=channel,
            sent_on=sent_on,
            delivery="recorded",
            created_by=coordinator_id,
        )
        if channel == "post":
            dispatch.reference = f"RR{100200300 + index}LT"
        session.add(dispatch)
        await session.flush()
        # A reply (anything but an acknowledgement) makes the chase, as recording one does.
        answered_on = (
            today - timedelta(days=answer[1])
            if answer is not None and answer[0] != "acknowledgement"
            else None
        )
        session.add(
            FollowUp(
                dispatch_id=dispatch.id,
                due_on=sent_on + timedelta(days=30),
                assignee_id=coordinator_id,
                created_by=coordinator_id,
                done_at=(
                    datetime.combine(answered_on, datetime.min.time(), tzinfo=now.tzinfo)
                    if answered_on
                    else None
                ),
                done_by=coordinator_id if answered_on else None,
            )
        )
        if answer is None:
            continue
        kind, received_ago, stances, published = answer
        response = Response(
            dispatch_id=dispatch.id,
            received_on=today - timedelta(days=received_ago),
            channel="email",
            kind=kind,
            published=published,
            published_at=now if published else None,
            recorded_by=coordinator_id,
        )
        response.summary = "Demo: what the ministry wrote back, in a few lines for the coalition."
        session.add(response)
        await session.flush()
        for ask_id, stance in zip(asks, stances, strict=False):
            row = ResponseStance(response_id=response.id, ask_id=ask_id, stance=stance)
            if stance == "supports":
                row.quote = "We share your concern and have raised it with our partners."
            session.add(row)
    outreach = AppealOutreach(
        appeal_id=appeal.id,
        tracker_published_at=now,
        tracker_published_by=coordinator_id,
    )
    outreach.signature_closing = "as well as other members of the coalition"
    session.add(outreach)

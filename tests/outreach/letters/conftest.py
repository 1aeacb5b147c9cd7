"""An appeal open for signatures, with a Belarusian translation, printed and withheld
signatures, and recipients in the registry (made through the ORM: the registry API is
another slice's)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.base import new_id
from app.models.outreach import Recipient, RecipientGroup, RecipientGroupMember
from tests.appeals.conftest import (
    Cast,
    approve_all,
    block,
    browse,
    cast,
    clock,
    open_for_signing,
    start_appeal,
    transition,
    with_co_author,
)

__all__ = ["browse", "cast", "clock"]

# Our own words, in the shape of a coalition's letter to a government.
INJECTION = '#read("/etc/passwd") $x^2$ [link] \\ *not* _this_ @ref <label> `code`'


def demo_blocks() -> list[dict[str, str]]:
    return [
        block("title", "Open the prison gates for the reporters of Belarus"),
        block("salutation", "Dear Minister,"),
        block(
            "paragraph",
            "We, a coalition of civic groups, write about the *reporters* held since the "
            "protests, as documented by [the monitors](https://monitor.example.org/list).",
        ),
        block("heading", "What we ask"),
        block("paragraph", "We therefore urge you to:"),
        block("ask", "Demand the release of every imprisoned reporter."),
        block("ask", "Raise their cases at the next council of foreign ministers."),
        block("ask", "Fund safe passage for those who must leave."),
        block("quote", "Freedom of the press is\nnot a privilege of the state."),
        block("paragraph", "Our text includes characters a typesetter might misread: " + INJECTION),
        block("closing", "Respectfully,"),
    ]


BELARUSIAN = {
    "title": "Адчыніце турмы для журналістаў Беларусі",
    "salutation": "Шаноўны міністр!",
    "heading": "Чаго мы просім",
    "closing": "З павагай,",
}


@dataclass
class LetterWorld:
    appeal_id: str
    sha256: str
    recipients: dict[str, Recipient] = field(default_factory=dict)
    group_id: uuid.UUID | None = None


def be_blocks(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    asks = iter(
        [
            "Патрабаваць вызвалення ўсіх зняволеных журналістаў.",
            "Узняць іх справы на наступнай радзе міністраў замежных спраў.",
            "Фінансаваць бяспечны выезд для тых, хто мусіць з'ехаць.",
        ]
    )
    for b in blocks:
        text = BELARUSIAN.get(b["kind"])
        if b["kind"] == "ask":
            text = next(asks)
        if text is None:
            text = "Мы, кааліцыя грамадскіх аб'яднанняў, пішам пра журналістаў за кратамі."
        out.append({**b, "text": text})
    return out


async def add_recipient(
    session: AsyncSession,
    *,
    name: str,
    addressee: str,
    language: str = "en",
    salutation: str | None = None,
    country: str | None = "DK",
) -> Recipient:
    recipient = Recipient(id=new_id(), kind="ministry", country=country, language=language)
    recipient.name = name
    recipient.addressee = addressee
    recipient.salutation = salutation
    session.add(recipient)
    await session.commit()
    return recipient


async def sign(cast: Cast, who: str, sha256: str, **body: Any) -> dict[str, Any]:
    response = await cast[who].post(
        f"/api/appeals/{body.pop('appeal_id')}/signatures",
        json={"revision_sha256": sha256, **body},
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def world(cast: Cast, session: AsyncSession) -> LetterWorld:
    blocks = demo_blocks()
    appeal = await start_appeal(cast, blocks=blocks)
    appeal_id = appeal["id"]
    await with_co_author(cast, appeal_id)
    made = await cast["a_member"].post(
        f"/api/appeals/{appeal_id}/translations", json={"language": "be"}
    )
    assert made.status_code == 201, made.text
    saved = await cast["a_member"].put(
        f"/api/appeals/{appeal_id}/translations/be/text",
        json={"blocks": be_blocks(made.json()["blocks"])},
        headers={"If-Match": made.headers["etag"]},
    )
    assert saved.status_code == 200, saved.text
    approved = await cast["a_rep"].post(
        f"/api/appeals/{appeal_id}/translations/be/approval",
        json={"sha256": saved.json()["sha256"]},
    )
    assert approved.status_code == 200, approved.text
    assert (await transition(cast, "a_member", appeal_id, "submit_for_review")).status_code == 200
    await approve_all(cast, appeal_id)
    opened = await open_for_signing(cast, appeal_id)
    assert opened.status_code == 201, opened.text
    sha256 = opened.json()["revision_sha256"]
    await sign(
        cast,
        "a_member",
        sha256,
        appeal_id=appeal_id,
        kind="member",
        tier="public",
        name="Agnieszka Łukaszewicz",
        line="journalist, Białystok",
    )
    await sign(
        cast,
        "b_member",
        sha256,
        appeal_id=appeal_id,
        kind="member",
        tier="public",
        name="Алесь Бяляцкі",
        line="праваабаронца",
    )
    await sign(
        cast, "c_member", sha256, appeal_id=appeal_id, kind="member", tier="withheld", name="X Y"
    )
    await sign(
        cast, "b_rep", sha256, appeal_id=appeal_id, kind="member", tier="counted", name="Z W"
    )
    world = LetterWorld(appeal_id, sha256)
    world.recipients["dk"] = await add_recipient(
        session,
        name="Denmark — Minister for Foreign Affairs",
        addressee="The Honorable Lars Holm\nMinister for Foreign Affairs of Denmark",
        salutation="Dear Minister Holm,",
    )
    world.recipients["lt"] = await add_recipient(
        session,
        name="Літва — Міністр замежных спраў",
        addressee="Спадару Міністру\nМіністэрства замежных спраў Літвы",
        language="be",
        country="LT",
    )
    world.recipients["fr"] = await add_recipient(
        session,
        name="France — Ministre",
        addressee="Madame la Ministre\nMinistère de l'Europe",
        language="fr",
        country="FR",
    )
    group = RecipientGroup(id=new_id())
    group.name = "Neighbours"
    session.add(group)
    await session.flush()
    for key in ("dk", "lt"):
        session.add(RecipientGroupMember(group_id=group.id, recipient_id=world.recipients[key].id))
    await session.commit()
    world.group_id = group.id
    return world

"""Rows of the authorization matrix (tests/security/authz) for the appeals routes.

test_matrix.py merges these rows into the policy and calls ``add_appeal_objects`` after
building the cast.

The objects (made through the API, as people would):

* appeal **X**: led by organization A, with C an accepted co-author; in review. It has a
  named editor (A's member), a comment, an open suggestion and a translation ("be").
* appeal **Y**: led by B, a draft, with the same kinds of objects (B's member its editor).
* appeal **W**: led by B, with A invited to co-author: only for the co-author decision,
  where A's representative decides.

"own" is an appeal the actor sees: X (Y for other_member, whose organization leads it);
"other" is one they do not: Y (X for other_member). An appeal is a compartment
(app/appeals/access.py): whoever is outside gets 404, whatever their platform role — so the
admin, who is in no organization, gets 404 on both, and only the coordinator sees "other".
Inside, the right the route needs decides 403. Domain answers after authorization (409
transition refused, 428 If-Match missing) count as "allow".
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.appeals.text.blocks import new_block_id
from app.models.appeals import AppealParticipant
from app.permissions import Permission
from tests.security.authz.actors import Cast
from tests.security.authz.policy import Outcome, Rule, signed_in

# Actors who see their "own" appeal (X, or Y for other_member); the admin sees none.
INSIDE = ("member", "representative", "co_author_member", "other_member", "coordinator")
# Who holds each right on their own appeal (access.py's table): A's (or B's, on Y) members
# edit and invite co-authors; only the lead's representatives and coordinators manage;
# C's member comments.
READ = INSIDE
COMMENT = INSIDE
EDIT = ("member", "representative", "other_member", "coordinator")
INVITE = ("member", "representative", "other_member", "coordinator")
MANAGE = ("representative", "coordinator")
# Approving and deciding are for an organization's representative: a coordinator, in no
# organization, may do neither.
APPROVE = ("representative",)
DECIDE = ("representative",)


def inside(*may: str) -> tuple[dict[str, Outcome], dict[str, Outcome]]:
    """(own, other) outcomes of a route on one appeal that ``may`` are allowed."""
    own = signed_in(admin="404") | {a: "allow" if a in may else "403" for a in INSIDE}
    other = signed_in(**dict.fromkeys((*INSIDE, "admin"), "404"))
    other["coordinator"] = "allow" if "coordinator" in may else "403"
    return own, other


def rule(
    may: tuple[str, ...],
    *,
    params: dict[str, Any] | None = None,
    body: Any = None,
    query: Any = None,
    permission: Permission | None = Permission.APPEALS_DRAFT,
) -> Rule:
    own, other = inside(*may)
    return Rule(
        own,
        params={"appeal_id": appeal_id, **(params or {})},
        expect_other=other,
        body=body,
        query=query,
        permission=permission,
    )


def _blocks() -> list[dict[str, str]]:
    return [
        {"id": new_block_id(), "kind": "title", "text": "Matrix appeal"},
        {"id": new_block_id(), "kind": "paragraph", "text": "We write about the reporters."},
        {"id": new_block_id(), "kind": "paragraph", "text": "We therefore urge you to:"},
        {"id": new_block_id(), "kind": "ask", "text": "Release every reporter."},
    ]


async def _ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


async def _appeal(
    client: httpx.AsyncClient, cast: Cast, *, by: str, organization: Any, editor: str
) -> dict[str, Any]:
    """An appeal started by ``by`` for ``organization``, with ``editor`` named editor, a
    comment, an open suggestion and a translation; returns what the rows refer to."""
    blocks = _blocks()
    headers = cast.headers(by)
    made = await _ok(
        await client.post(
            "/api/appeals",
            headers=headers,
            json={
                "lead_organization_id": str(organization.id),
                "title": "Matrix appeal",
                "blocks": blocks,
            },
        )
    )
    base = f"/api/appeals/{made['id']}"
    await _ok(
        await client.post(
            f"{base}/editors",
            headers=cast.headers("coordinator"),
            json={"user_id": str(cast.users[editor].id)},
        )
    )
    comments = await _ok(
        await client.post(
            f"{base}/comments",
            headers=headers,
            json={
                "revision_id": made["head_revision_id"],
                "block_id": blocks[1]["id"],
                "start": 0,
                "end": 8,
                "body": "Which reporters?",
            },
        )
    )
    suggestions = await _ok(
        await client.post(
            f"{base}/suggestions",
            headers=headers,
            json={
                "revision_id": made["head_revision_id"],
                "change": {"kind": "remove", "block_id": blocks[2]["id"]},
            },
        )
    )
    translation = await _ok(
        await client.post(f"{base}/translations", headers=headers, json={"language": "be"})
    )
    return {
        "id": made["id"],
        "revision_id": made["head_revision_id"],
        "sha256": made["head_sha256"],
        "blocks": blocks,
        "comment_id": comments["items"][0]["id"],
        "suggestion_id": suggestions["items"][0]["id"],
        "translation_sha256": translation["sha256"],
        "editor": cast.users[editor].id,
        "lead": organization,
    }


async def add_appeal_objects(session: AsyncSession, client: httpx.AsyncClient, cast: Cast) -> None:
    """Appeals X, Y and W (see the module docstring)."""
    x = await _appeal(client, cast, by="member", organization=cast.org_a, editor="member")
    invited = await client.post(
        f"/api/appeals/{x['id']}/co-authors",
        headers=cast.headers("representative"),
        json={"organization_id": str(cast.org_c.id)},
    )
    await _ok(invited)
    # C's acceptance, as its representative (not in the cast) would give it.
    await session.execute(
        update(AppealParticipant)
        .where(
            AppealParticipant.appeal_id == uuid.UUID(x["id"]),
            AppealParticipant.organization_id == cast.org_c.id,
        )
        .values(status="accepted")
    )
    await session.commit()
    await _ok(
        await client.post(
            f"/api/appeals/{x['id']}/transitions",
            headers=cast.headers("member"),
            json={"action": "submit_for_review"},
        )
    )
    y = await _appeal(
        client, cast, by="other_member", organization=cast.org_b, editor="other_member"
    )
    w = await _ok(
        await client.post(
            "/api/appeals",
            headers=cast.headers("other_member"),
            json={"lead_organization_id": str(cast.org_b.id), "title": "Matrix invitation"},
        )
    )
    await _ok(
        await client.post(
            f"/api/appeals/{w['id']}/co-authors",
            headers=cast.headers("coordinator"),
            json={"organization_id": str(cast.org_a.id)},
        )
    )
    cast.objects.update(appeal_x=x, appeal_y=y, appeal_w={"id": w["id"]})


def _of(cast: Cast, actor: str, scope: str) -> dict[str, Any]:
    """own: X (Y for other_member); other: the one the actor does not see."""
    in_b = actor == "other_member"
    name = "appeal_y" if in_b == (scope == "own") else "appeal_x"
    return cast.objects[name]  # type: ignore[return-value]


def _home(cast: Cast, actor: str) -> Any:
    return {"other_member": cast.org_b, "co_author_member": cast.org_c}.get(actor, cast.org_a)


def appeal_id(cast: Cast, actor: str, scope: str) -> Any:
    return _of(cast, actor, scope)["id"]


def number(cast: Cast, actor: str, scope: str) -> Any:
    return 1


def editor(cast: Cast, actor: str, scope: str) -> Any:
    return _of(cast, actor, scope)["editor"]


def comment_id(cast: Cast, actor: str, scope: str) -> Any:
    return _of(cast, actor, scope)["comment_id"]


def suggestion_id(cast: Cast, actor: str, scope: str) -> Any:
    return _of(cast, actor, scope)["suggestion_id"]


def language(cast: Cast, actor: str, scope: str) -> Any:
    return "be"


def deciding(cast: Cast, actor: str, scope: str) -> Any:
    """The co-author decision: A's representative decides A's invitation to W; everyone
    else names an organization writing their own appeal (they may not decide for it)."""
    if scope == "own" and actor == "representative":
        return cast.objects["appeal_w"]["id"]  # type: ignore[index]
    return appeal_id(cast, actor, scope)


def deciding_for(cast: Cast, actor: str, scope: str) -> Any:
    if scope == "own" and actor in ("representative", "member", "other_member"):
        return _home(cast, actor).id
    appeal = _of(cast, actor, scope)
    # X: C, its co-author; Y: B, its lead.
    return (cast.org_c if appeal["lead"] is cast.org_a else cast.org_b).id


def _approval(cast: Cast, actor: str, scope: str) -> dict[str, Any]:
    return {
        "organization_id": str(_home(cast, actor).id),
        "sha256": _of(cast, actor, scope)["sha256"],
    }


def _co_author(cast: Cast, actor: str, scope: str) -> dict[str, Any]:
    # An organization not yet writing that appeal: B for X, A for Y.
    lead = _of(cast, actor, scope)["lead"]
    return {"organization_id": str((cast.org_b if lead is cast.org_a else cast.org_a).id)}


def _new_editor(cast: Cast, actor: str, scope: str) -> dict[str, Any]:
    # A member of a writing organization who is not an editor yet: C's on X, B's on Y.
    lead = _of(cast, actor, scope)["lead"]
    person = "co_author_member" if lead is cast.org_a else "other_member"
    return {"user_id": str(cast.users[person].id)}


def _comment(cast: Cast, actor: str, scope: str) -> dict[str, Any]:
    appeal = _of(cast, actor, scope)
    return {
        "revision_id": appeal["revision_id"],
        "block_id": appeal["blocks"][1]["id"],
        "start": 0,
        "end": 2,
        "body": "A remark",
    }


def _suggestion(cast: Cast, actor: str, scope: str) -> dict[str, Any]:
    appeal = _of(cast, actor, scope)
    return {
        "revision_id": appeal["revision_id"],
        "change": {"kind": "remove", "block_id": appeal["blocks"][3]["id"]},
    }


def _text(cast: Cast, actor: str, scope: str) -> dict[str, Any]:
    # No If-Match: an allowed save is answered 428, after the access check.
    return {"blocks": _of(cast, actor, scope)["blocks"]}


def _translation_approval(cast: Cast, actor: str, scope: str) -> dict[str, Any]:
    return {"sha256": _of(cast, actor, scope)["translation_sha256"]}


def _fixed(value: Any) -> Any:
    return lambda cast, actor, scope: value


P = Permission
BASE = "/api/appeals/{appeal_id}"

APPEALS_POLICY: dict[tuple[str, str], Rule] = {
    # --- lists, starting, importing: no appeal yet
    ("GET", "/api/appeals"): Rule(signed_in(), permission=P.APPEALS_DRAFT),
    ("POST", "/api/appeals"): Rule(
        # Members for their own organization; coordinators for any; an admin for none.
        signed_in(admin="403"),
        body=lambda cast, actor, scope: {
            "lead_organization_id": str(_home(cast, actor).id),
            "title": f"Started by {actor}",
        },
        permission=P.APPEALS_DRAFT,
    ),
    ("POST", "/api/appeals/import"): Rule(
        signed_in(), body=_fixed({"source": "Dear Minister,\n\nRelease them."})
    ),
    # --- reading
    ("GET", BASE): rule(READ),
    ("GET", f"{BASE}/text"): rule(READ),
    ("GET", f"{BASE}/text.md"): rule(READ),
    ("GET", f"{BASE}/revisions"): rule(READ),
    ("GET", f"{BASE}/revisions/{{number}}"): rule(READ, params={"number": number}),
    ("GET", f"{BASE}/diff"): rule(READ, query=_fixed({"from": 1, "to": 1})),
    ("GET", f"{BASE}/activity"): rule(READ),
    ("GET", f"{BASE}/comments"): rule(READ),
    ("GET", f"{BASE}/suggestions"): rule(READ),
    ("GET", f"{BASE}/translations"): rule(READ),
    ("GET", f"{BASE}/translations/{{language}}"): rule(READ, params={"language": language}),
    # --- writing the text
    ("PUT", f"{BASE}/text"): rule(EDIT, body=_text),
    ("POST", f"{BASE}/transitions"): rule(EDIT, body=_fixed({"action": "return_to_draft"})),
    ("POST", f"{BASE}/suggestions/{{suggestion_id}}/accept"): rule(
        EDIT, params={"suggestion_id": suggestion_id}
    ),
    ("POST", f"{BASE}/suggestions/{{suggestion_id}}/reject"): rule(
        EDIT, params={"suggestion_id": suggestion_id}, body=_fixed({"reason": "Not now"})
    ),
    ("POST", f"{BASE}/translations"): rule(EDIT, body=_fixed({"language": "de"})),
    ("PUT", f"{BASE}/translations/{{language}}/text"): rule(
        EDIT, params={"language": language}, body=_text
    ),
    # --- discussing
    ("GET", f"{BASE}/mentionable"): rule(COMMENT),
    ("POST", f"{BASE}/comments"): rule(COMMENT, body=_comment),
    ("POST", f"{BASE}/comments/{{comment_id}}/replies"): rule(
        COMMENT, params={"comment_id": comment_id}, body=_fixed({"body": "Agreed"})
    ),
    ("POST", f"{BASE}/comments/{{comment_id}}/resolution"): rule(
        COMMENT, params={"comment_id": comment_id}, body=_fixed({"resolved": True})
    ),
    ("POST", f"{BASE}/suggestions"): rule(COMMENT, body=_suggestion),
    # --- inviting co-authors
    ("GET", f"{BASE}/co-author-candidates"): rule(INVITE),
    ("POST", f"{BASE}/co-authors"): rule(INVITE, body=_co_author),
    # --- managing: editors, translations' approval
    ("POST", f"{BASE}/editors"): rule(MANAGE, body=_new_editor),
    ("DELETE", f"{BASE}/editors/{{user_id}}"): rule(MANAGE, params={"user_id": editor}),
    ("POST", f"{BASE}/translations/{{language}}/approval"): rule(
        MANAGE, params={"language": language}, body=_translation_approval
    ),
    # --- an organization's own say
    ("POST", f"{BASE}/approvals"): rule(APPROVE, body=_approval, permission=P.APPEALS_SIGN_FOR_ORG),
    ("POST", f"{BASE}/co-authors/{{organization_id}}/decision"): Rule(
        inside(*DECIDE)[0],
        params={"appeal_id": deciding, "organization_id": deciding_for},
        expect_other=inside(*DECIDE)[1],
        body=_fixed({"decision": "accept"}),
        permission=P.APPEALS_SIGN_FOR_ORG,
    ),
}

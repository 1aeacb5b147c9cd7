"""Rows of the authorization matrix for the tracker routes (app/outreach/tracker/router.py)
and the coordinators' dashboard (app/outreach/dashboard/router.py: coordinators only).

On appeal Z (signatories_rows.py: led by A, open for signatures) the coordinator publishes;
A's representative reads whether it is published (outreach is read-only for a writing
organization's representatives); A's member reads the appeal but not its outreach (403);
everyone else does not see Z at all (404). "other" is X (appeals_rows.py), still a draft:
the coordinator's publish is refused as a domain answer (409 text_not_frozen: "allow").
The public tracker of either is not published: 404 for everyone. A text by its hash is
public once frozen: Z's for everyone, X's draft head for no one.
"""

from __future__ import annotations

from app.permissions import Permission
from tests.security.authz.policy import Rule, everyone, only, signed_in
from tests.security.authz.signatories_rows import appeal_id, frozen_or_draft_sha256

P = Permission
BASE = "/api/appeals/{appeal_id}/tracker"
# Who sees the appeal at all (404 for the rest), and of those who reads its outreach.
READS = signed_in(member="403", other_member="404", co_author_member="404", admin="404")
READS_X = signed_in(member="403", other_member="404", co_author_member="403", admin="404")

OUTREACH_TRACKER_POLICY: dict[tuple[str, str], Rule] = {
    ("GET", "/api/outreach/dashboard"): Rule(only("coordinator"), permission=P.OUTREACH_TRACK),
    ("GET", BASE): Rule(
        READS, params={"appeal_id": appeal_id}, expect_other=READS_X, permission=P.OUTREACH_TRACK
    ),
    ("PUT", BASE): Rule(
        READS | {"representative": "403"},
        params={"appeal_id": appeal_id},
        expect_other=READS_X | {"representative": "403"},
        body=lambda cast, actor, scope: {"published": True},
        permission=P.OUTREACH_TRACK,
    ),
    ("GET", "/api/public/trackers/{appeal_id}"): Rule(
        everyone("404"), params={"appeal_id": appeal_id}, expect_other=everyone("404")
    ),
    ("GET", "/api/public/trackers/{appeal_id}/feed"): Rule(
        everyone("404"), params={"appeal_id": appeal_id}, expect_other=everyone("404")
    ),
    ("GET", "/api/public/texts/{sha256}"): Rule(
        everyone("allow"),
        params={"sha256": frozen_or_draft_sha256},
        expect_other=everyone("404"),
    ),
}

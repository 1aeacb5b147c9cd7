"""Every domain router, in one place, and the refusals they share, documented once."""

from __future__ import annotations

from fastapi import APIRouter

from app.admin_requests.router import router as admin_requests_router
from app.appeals.discussion_router import router as appeal_discussion_router
from app.appeals.router import router as appeals_router
from app.appeals.translations_router import router as appeal_translations_router
from app.auth.account.router import router as account_router
from app.auth.dependencies import (
    require_any_session,
    require_fresh_second_factor,
    require_signed_in,
    resolve_actor,
)
from app.auth.errors import (
    CsrfRejected,
    EnrolmentRequired,
    PasswordChangeRequired,
    PermissionDenied,
    SecondFactorRequired,
    SignInRequired,
    StepUpRequired,
)
from app.auth.factors.router import router as factors_router
from app.auth.oidc.router import router as oidc_router
from app.auth.passkeys.router import router as passkeys_router
from app.auth.sessions.router import router as auth_router
from app.health.router import router as health_router
from app.invitations.router import router as invitations_router
from app.memberships.router import router as memberships_router
from app.notifications.router import availability_router as dev_mailbox_availability_router
from app.notifications.router import router as dev_mailbox_router
from app.organizations.router import router as organizations_router
from app.outreach.dashboard.router import router as outreach_dashboard_router
from app.outreach.dispatches.router import router as outreach_dispatches_router
from app.outreach.documents.router import router as outreach_documents_router
from app.outreach.letters.router import router as letters_router
from app.outreach.recipients.router import groups_router as recipient_groups_router
from app.outreach.recipients.router import router as recipients_router
from app.outreach.tracker.router import public_router as public_tracker_router
from app.outreach.tracker.router import router as tracker_router
from app.routes import document_problems
from app.signatories.public_router import router as public_signing_router
from app.signatories.router import receipts_router as signature_receipts_router
from app.signatories.router import router as signatories_router
from app.users.router import router as users_router

# Routes under /api, in matching order: each request is one unit of work (see
# app.db.UnitOfWorkRoute, every router's route_class). create_app includes each of them
# in the app with API_PREFIX rather than all of them in one /api router: FastAPI re-checks
# the routes of an included router and of everything included in it, on every match, so one
# router holding the 26 others cost a signed-in read some 10% of its CPU (the 26 walked at
# every lookup) for nothing: no route is added once the app is built.
API_PREFIX = "/api"
api_routers: tuple[APIRouter, ...] = (
    auth_router,
    organizations_router,
    memberships_router,
    invitations_router,
    users_router,
    admin_requests_router,
    oidc_router,
    passkeys_router,
    dev_mailbox_router,
    dev_mailbox_availability_router,
    factors_router,
    account_router,
    appeals_router,
    appeal_discussion_router,
    appeal_translations_router,
    signatories_router,
    signature_receipts_router,
    public_signing_router,
    tracker_router,
    public_tracker_router,
    outreach_documents_router,
    outreach_dashboard_router,
    recipients_router,
    recipient_groups_router,
    letters_router,
    outreach_dispatches_router,
)

# What app.auth.dependencies refuse, in every operation's OpenAPI entry (as problem+json).
document_problems(
    api_routers,
    refusals={
        require_any_session: [SignInRequired],
        require_signed_in: [
            SignInRequired,
            SecondFactorRequired,
            EnrolmentRequired,
            PasswordChangeRequired,
            # Role checks (access_* and require_permission) run behind SignedIn, and so
            # does the step-up that app/permissions.py STEP_UP asks of some permissions.
            PermissionDenied,
            StepUpRequired,
        ],
        require_fresh_second_factor: [StepUpRequired],
    },
    unsafe_refusals={resolve_actor: [CsrfRejected]},
)

# Probes sit at the root where orchestrators look for them.
root_routers: tuple[APIRouter, ...] = (health_router,)

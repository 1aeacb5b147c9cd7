/**
 * The memberships domain (organizations, members, invitations, users, admin grants) over
 * the generated client: one typed function per operation, throwing ApiError on failure.
 */
import { api } from "./client";
import { unwrap } from "./problem";
import type { components } from "./schema";

type Schemas = components["schemas"];
export type Organization = Schemas["OrganizationRead"];
export type OrganizationInput = Schemas["OrganizationCreate"];
export type Member = Schemas["MemberRead"];
export type OrgRole = Schemas["MemberRead"]["role"];
export type Invitation = Schemas["InvitationRead"];
export type InvitationInput = Schemas["InvitationCreate"];
export type InvitationPreview = Schemas["InvitationPreview"];
export type InvitationAcceptInput = Schemas["InvitationAccept"];
export type Language = NonNullable<Schemas["InvitationCreate"]["language"]>;
export type SessionStart = Schemas["AcceptResult"];
export type AdminUser = Schemas["UserAdminRead"];
export type AdminGrantRequest = Schemas["AdminGrantRequestRead"];

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

const query = (cursor?: string | null) => ({ query: cursor ? { cursor } : {} });

// --- organizations and members -------------------------------------------------------------

export const listOrganizations = (cursor?: string | null) =>
  unwrap(api.GET("/api/organizations", { params: query(cursor) }));

export const createOrganization = (body: OrganizationInput) => unwrap(api.POST("/api/organizations", { body }));

/** The organization and its ETag: an edit must send it back as If-Match. */
export async function getOrganization(organizationId: string) {
  const pending = api.GET("/api/organizations/{organization_id}", {
    params: { path: { organization_id: organizationId } },
  });
  const organization = await unwrap(pending);
  return { organization, etag: (await pending).response.headers.get("ETag") };
}

/** Refused with 412 version_mismatch when someone changed it since `etag` was read. */
export async function updateOrganization(organizationId: string, etag: string | null, body: Schemas["OrganizationUpdate"]) {
  const pending = api.PATCH("/api/organizations/{organization_id}", {
    params: { path: { organization_id: organizationId }, header: { "if-match": etag ?? undefined } },
    body,
  });
  const organization = await unwrap(pending);
  return { organization, etag: (await pending).response.headers.get("ETag") };
}

export const listMembers = (organizationId: string, cursor?: string | null) =>
  unwrap(
    api.GET("/api/organizations/{organization_id}/members", {
      params: { path: { organization_id: organizationId }, ...query(cursor) },
    }),
  );

export const changeMemberRole = (membershipId: string, role: OrgRole) =>
  unwrap(api.PATCH("/api/memberships/{membership_id}", { params: { path: { membership_id: membershipId } }, body: { role } }));

export const removeMember = (membershipId: string) =>
  unwrap(api.DELETE("/api/memberships/{membership_id}", { params: { path: { membership_id: membershipId } } }));

// --- invitations ---------------------------------------------------------------------------

export const listInvitations = (cursor?: string | null) =>
  unwrap(api.GET("/api/invitations", { params: query(cursor) }));

export const createInvitation = (body: InvitationInput) => unwrap(api.POST("/api/invitations", { body }));

const invitation = (invitationId: string) => ({ params: { path: { invitation_id: invitationId } } });

export const resendInvitation = (invitationId: string) =>
  unwrap(api.POST("/api/invitations/{invitation_id}/resend", invitation(invitationId)));

export const revokeInvitation = (invitationId: string) =>
  unwrap(api.DELETE("/api/invitations/{invitation_id}", invitation(invitationId)));

/** The token travels in the body only: never in a URL, where logs and history keep it. */
export const lookUpInvitation = (token: string) => unwrap(api.POST("/api/invitations/lookup", { body: { token } }));

export const acceptInvitation = (body: InvitationAcceptInput) => unwrap(api.POST("/api/invitations/accept", { body }));

// --- users and admin grants ----------------------------------------------------------------

const user = (userId: string) => ({ params: { path: { user_id: userId } } });

export const listUsers = (cursor?: string | null) => unwrap(api.GET("/api/users", { params: query(cursor) }));

export const suspendUser = (userId: string) => unwrap(api.POST("/api/users/{user_id}/suspend", user(userId)));

export const reactivateUser = (userId: string) => unwrap(api.POST("/api/users/{user_id}/reactivate", user(userId)));

export const endUserSessions = (userId: string) =>
  unwrap(api.POST("/api/users/{user_id}/sessions/revoke", user(userId)));

export function setCoordinator(userId: string, granted: boolean) {
  const params = { params: { path: { user_id: userId, role: "coordinator" as const } } };
  return granted
    ? unwrap(api.PUT("/api/users/{user_id}/platform-roles/{role}", params))
    : unwrap(api.DELETE("/api/users/{user_id}/platform-roles/{role}", params));
}

/** Forget the user's single sign-on subject: their next single sign-on links again by email. */
export const unlinkSsoIdentity = (userId: string) =>
  unwrap(api.DELETE("/api/users/{user_id}/sso-identity", user(userId)));

export type AdminRequestKind = Schemas["AdminGrantRequestCreate"]["kind"];
/** Ask a second admin to approve: making the user an admin, taking admin away, or
 * suspending an admin (the server refuses the last two done directly to another admin). */
export const requestAdminGrant = (userId: string, kind: AdminRequestKind = "grant") =>
  unwrap(api.POST("/api/admin-requests", { body: { user_id: userId, kind } }));

export const listAdminGrantRequests = (cursor?: string | null) =>
  unwrap(api.GET("/api/admin-requests", { params: query(cursor) }));

export function decideAdminGrant(requestId: string, decision: "approve" | "reject") {
  const params = { params: { path: { request_id: requestId } } };
  return decision === "approve"
    ? unwrap(api.POST("/api/admin-requests/{request_id}/approve", params))
    : unwrap(api.POST("/api/admin-requests/{request_id}/reject", params));
}

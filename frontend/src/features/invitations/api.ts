/**
 * The invitations domain (app/invitations): the admin's invitations, and looking up and
 * accepting one from its link.
 */
import { api } from "../../api/client";
import { pageQuery } from "../../api/page";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type Invitation = Schemas["InvitationRead"];
export type InvitationInput = Schemas["InvitationCreate"];
export type InvitationPreview = Schemas["InvitationPreview"];
export type InvitationAcceptInput = Schemas["InvitationAccept"];
export type Language = NonNullable<Schemas["InvitationCreate"]["language"]>;
export type SessionStart = Schemas["AcceptResult"];
export type OwnInvitation = Schemas["OwnInvitation"];

export const listInvitations = (cursor?: string | null) =>
  unwrap(api.GET("/api/invitations", { params: pageQuery(cursor) }));

export const createInvitation = (body: InvitationInput) => unwrap(api.POST("/api/invitations", { body }));

const invitation = (invitationId: string) => ({ params: { path: { invitation_id: invitationId } } });

export const resendInvitation = (invitationId: string) =>
  unwrap(api.POST("/api/invitations/{invitation_id}/resend", invitation(invitationId)));

export const revokeInvitation = (invitationId: string) =>
  unwrap(api.DELETE("/api/invitations/{invitation_id}", invitation(invitationId)));

/** The token travels in the body only: never in a URL, where logs and history keep it. */
export const lookUpInvitation = (token: string) => unwrap(api.POST("/api/invitations/lookup", { body: { token } }));

export const acceptInvitation = (body: InvitationAcceptInput) => unwrap(api.POST("/api/invitations/accept", { body }));

/** Pending invitations to the signed-in person's own address (for their home page). */
export const listOwnInvitations = () => unwrap(api.GET("/api/invitations/mine"));

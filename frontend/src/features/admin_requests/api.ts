/**
 * The admin requests domain (app/admin_requests): the two-person rule. Admin rights are
 * granted or taken away, and admins suspended, only when a second admin approves.
 */
import { api } from "../../api/client";
import { pageQuery } from "../../api/page";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type AdminGrantRequest = Schemas["AdminGrantRequestRead"];
export type AdminRequestKind = Schemas["AdminGrantRequestCreate"]["kind"];

/** Ask a second admin to approve: making the user an admin, taking admin away, or
 * suspending an admin (the server refuses the last two done directly to another admin). */
export const requestAdminGrant = (userId: string, kind: AdminRequestKind = "grant") =>
  unwrap(api.POST("/api/admin-requests", { body: { user_id: userId, kind } }));

export const listAdminGrantRequests = (cursor?: string | null) =>
  unwrap(api.GET("/api/admin-requests", { params: pageQuery(cursor) }));

export function decideAdminGrant(requestId: string, decision: "approve" | "reject") {
  const params = { params: { path: { request_id: requestId } } };
  return decision === "approve"
    ? unwrap(api.POST("/api/admin-requests/{request_id}/approve", params))
    : unwrap(api.POST("/api/admin-requests/{request_id}/reject", params));
}

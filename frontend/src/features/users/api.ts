/** The users domain (app/users): the admin's list of people, suspension, roles, sessions. */
import { api } from "../../api/client";
import { pageQuery } from "../../api/page";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

export type AdminUser = components["schemas"]["UserAdminRead"];

const user = (userId: string) => ({ params: { path: { user_id: userId } } });

export const listUsers = (cursor?: string | null) => unwrap(api.GET("/api/users", { params: pageQuery(cursor) }));

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

/** The memberships domain (app/memberships): the members of an organization and their roles. */
import { api } from "../../api/client";
import { pageQuery } from "../../api/page";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

export type Member = components["schemas"]["MemberRead"];
export type OrgRole = Member["role"];

export const listMembers = (organizationId: string, cursor?: string | null) =>
  unwrap(
    api.GET("/api/organizations/{organization_id}/members", {
      params: { path: { organization_id: organizationId }, ...pageQuery(cursor) },
    }),
  );

export type Colleague = components["schemas"]["ColleagueRead"];

/** Fellow members' names and roles, for everyone in the organization (no addresses). */
export const listColleagues = (organizationId: string, cursor?: string | null) =>
  unwrap(
    api.GET("/api/organizations/{organization_id}/colleagues", {
      params: { path: { organization_id: organizationId }, ...pageQuery(cursor) },
    }),
  );

const membership = (membershipId: string) => ({ params: { path: { membership_id: membershipId } } });

export const changeMemberRole = (membershipId: string, role: OrgRole) =>
  unwrap(api.PATCH("/api/memberships/{membership_id}", { ...membership(membershipId), body: { role } }));

export const removeMember = (membershipId: string) =>
  unwrap(api.DELETE("/api/memberships/{membership_id}", membership(membershipId)));

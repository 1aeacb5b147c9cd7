/** The organizations domain (app/organizations) over the generated client; failures throw ApiError. */
import { api } from "../../api/client";
import { pageQuery } from "../../api/page";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type Organization = Schemas["OrganizationRead"];
export type OrganizationInput = Schemas["OrganizationCreate"];
export type OrganizationUpdate = Schemas["OrganizationUpdate"];

export const listOrganizations = (cursor?: string | null) =>
  unwrap(api.GET("/api/organizations", { params: pageQuery(cursor) }));

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
export async function updateOrganization(organizationId: string, etag: string | null, body: OrganizationUpdate) {
  const pending = api.PATCH("/api/organizations/{organization_id}", {
    params: { path: { organization_id: organizationId }, header: { "if-match": etag ?? undefined } },
    body,
  });
  const organization = await unwrap(pending);
  return { organization, etag: (await pending).response.headers.get("ETag") };
}

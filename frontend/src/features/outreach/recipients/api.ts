/** The recipients registry (app/outreach/recipients) over the generated client; failures throw ApiError. */
import { api } from "../../../api/client";
import { unwrap } from "../../../api/problem";
import type { components } from "../../../api/schema";

type Schemas = components["schemas"];
export type Recipient = Schemas["RecipientRead"];
export type RecipientInput = Schemas["RecipientIn"];
export type RecipientKind = RecipientInput["kind"];
export type Group = Schemas["GroupRead"];
export type ImportReport = Schemas["ImportReport"];
export type ImportProblem = Schemas["ImportProblem"];
export type RecipientState = "active" | "archived" | "all";

export const KINDS: readonly RecipientKind[] = [
  "government",
  "ministry",
  "parliament",
  "international_organization",
  "embassy",
  "official",
];

export interface RecipientFilters {
  q?: string;
  kind?: RecipientKind | "";
  country?: string;
  tag?: string;
  group_id?: string;
  state?: RecipientState;
}

/** The ETag of a row: its version (app/outreach/recipients/service.py etag). */
export const etagOf = (row: { version: number }) => `"${row.version}"`;

export const listRecipients = (filters: RecipientFilters) => {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(filters)) if (value) query[key] = String(value);
  return unwrap(api.GET("/api/recipients", { params: { query } }));
};

export const createRecipient = (body: RecipientInput) => unwrap(api.POST("/api/recipients", { body }));

export const updateRecipient = (recipient: Recipient, body: RecipientInput) =>
  unwrap(
    api.PUT("/api/recipients/{recipient_id}", {
      params: { path: { recipient_id: recipient.id }, header: { "if-match": etagOf(recipient) } },
      body,
    }),
  );

export const archiveRecipient = (id: string) =>
  unwrap(api.POST("/api/recipients/{recipient_id}/archive", { params: { path: { recipient_id: id } } }));

export const restoreRecipient = (id: string) =>
  unwrap(api.POST("/api/recipients/{recipient_id}/restore", { params: { path: { recipient_id: id } } }));

export const listGroups = () => unwrap(api.GET("/api/recipient-groups"));

export const createGroup = (name: string) => unwrap(api.POST("/api/recipient-groups", { body: { name } }));

export const renameGroup = (group: Group, name: string) =>
  unwrap(
    api.PATCH("/api/recipient-groups/{group_id}", {
      params: { path: { group_id: group.id }, header: { "if-match": etagOf(group) } },
      body: { name },
    }),
  );

export const deleteGroup = (id: string) =>
  unwrap(api.DELETE("/api/recipient-groups/{group_id}", { params: { path: { group_id: id } } }));

export const listGroupMembers = (id: string) =>
  unwrap(api.GET("/api/recipient-groups/{group_id}/members", { params: { path: { group_id: id } } }));

export const setGroupMembers = (group: Group, recipientIds: string[]) =>
  unwrap(
    api.PUT("/api/recipient-groups/{group_id}/members", {
      params: { path: { group_id: group.id }, header: { "if-match": etagOf(group) } },
      body: { recipient_ids: recipientIds },
    }),
  );

export const importRecipients = (csv: string, dryRun: boolean) =>
  unwrap(api.POST("/api/recipients/import", { params: { query: { dry_run: dryRun } }, body: { csv } }));

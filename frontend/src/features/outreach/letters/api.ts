/** Letters per recipient (app/outreach/letters) over the generated client; failures throw ApiError. */
import { api } from "../../../api/client";
import { problemFrom, unwrap } from "../../../api/problem";
import type { components } from "../../../api/schema";

type Schemas = components["schemas"];
export type LetterIndex = Schemas["LetterIndex"];
export type LetterRecipient = Schemas["LetterRecipient"];
export type Letter = Schemas["LetterRead"];

const appealPath = (appealId: string) => ({ path: { appeal_id: appealId } });
const dateQuery = (date: string | null) => (date ? { date } : {});

export const listLetters = (appealId: string) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/letters", { params: appealPath(appealId) }));

export const readLetter = (appealId: string, recipientId: string, date: string | null) =>
  unwrap(
    api.GET("/api/appeals/{appeal_id}/letters/{recipient_id}", {
      params: { path: { appeal_id: appealId, recipient_id: recipientId }, query: dateQuery(date) },
    }),
  );

/** Where the browser downloads one letter (a plain GET: the session cookie goes along). */
export function letterFileUrl(appealId: string, recipientId: string, kind: "pdf" | "txt", date: string | null) {
  const path = `/api/appeals/${encodeURIComponent(appealId)}/letters/${encodeURIComponent(recipientId)}.${kind}`;
  return date ? `${path}?date=${encodeURIComponent(date)}` : path;
}

/** The closing phrase and its ETag: a change sends it back as If-Match. */
export async function readClosing(appealId: string) {
  const pending = api.GET("/api/appeals/{appeal_id}/letter-closing", { params: appealPath(appealId) });
  const closing = await unwrap(pending);
  return { text: closing.text ?? "", etag: (await pending).response.headers.get("ETag") };
}

export async function saveClosing(appealId: string, etag: string | null, text: string) {
  const pending = api.PUT("/api/appeals/{appeal_id}/letter-closing", {
    params: { ...appealPath(appealId), header: { "if-match": etag ?? undefined } },
    body: { text: text.trim() || null },
  });
  const closing = await unwrap(pending);
  return { text: closing.text ?? "", etag: (await pending).response.headers.get("ETag") };
}

/** The letters to the recipients chosen, as one ZIP the browser saves. */
export async function downloadBatch(appealId: string, recipientIds: string[], date: string | null) {
  const result = await api.POST("/api/appeals/{appeal_id}/letters/batch", {
    params: appealPath(appealId),
    body: { recipient_ids: recipientIds, date },
    parseAs: "blob",
  });
  if (!result.response.ok) throw problemFrom(result.response, result.error);
  const url = URL.createObjectURL(result.data as Blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `letters-${date ?? "today"}.zip`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000); // after the download has started
}

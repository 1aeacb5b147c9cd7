/** The appeals domain (app/appeals) over the generated client; failures throw ApiError. */
import { api } from "../../api/client";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type AppealSummary = Schemas["AppealSummary"];
export type Appeal = Schemas["AppealRead"];
export type AppealState = Appeal["state"];
export type AppealAction = Schemas["TransitionRequest"]["action"];
export type Block = Schemas["BlockRead"];
export type BlockInput = Schemas["BlockIn"];
export type BlockKind = Block["kind"];
export type Revision = Schemas["RevisionRead"];
export type TextRead = Schemas["TextRead"];
export type Diff = Schemas["DiffRead"];
export type BlockDiff = Schemas["BlockDiffRead"];
export type ImportResult = Schemas["ImportResultRead"];
export type Comment = Schemas["CommentRead"];
export type Suggestion = Schemas["SuggestionRead"];
export type SuggestionChange = Schemas["SuggestionCreate"]["change"];
export type Translation = Schemas["TranslationRead"];
export type TranslationSummary = Schemas["TranslationSummary"];
export type Activity = Schemas["ActivityRead"];
/** The body of a 412 edit_conflict besides the problem fields: the text as it now is. */
export type EditConflict = Schemas["ConflictRead"];

const appealPath = (appealId: string) => ({ path: { appeal_id: appealId } });

export const listAppeals = (cursor?: string | null, state?: AppealState | null) =>
  unwrap(
    api.GET("/api/appeals", { params: { query: { ...(cursor ? { cursor } : {}), ...(state ? { state } : {}) } } }),
  );

export const createAppeal = (body: Schemas["AppealCreate"]) => unwrap(api.POST("/api/appeals", { body }));

/** Blocks made from pasted plain text or Markdown; nothing is stored. */
export const importText = (source: string) => unwrap(api.POST("/api/appeals/import", { body: { source } }));

export const getAppeal = (appealId: string) =>
  unwrap(api.GET("/api/appeals/{appeal_id}", { params: appealPath(appealId) }));

/** The current text and its ETag: a save sends it back as If-Match. */
export async function getText(appealId: string) {
  const pending = api.GET("/api/appeals/{appeal_id}/text", { params: appealPath(appealId) });
  const text = await unwrap(pending);
  return { text, etag: (await pending).response.headers.get("ETag") };
}

/** Thrown by saveText when someone changed the same block meanwhile: nothing was saved. */
export class EditConflictError extends Error {
  constructor(
    readonly current: TextRead,
    readonly currentEtag: string | null,
    readonly conflicts: string[],
  ) {
    super("edit_conflict");
    this.name = "EditConflictError";
  }
}

/**
 * Save a new revision based on `etag`. Someone else's changes to other blocks are merged
 * (`revision.merged`); the same block changed meanwhile throws EditConflictError with the
 * text as it now is and the ids of the blocks both sides changed.
 */
export async function saveText(appealId: string, etag: string | null, blocks: BlockInput[], note?: string | null) {
  const pending = api.PUT("/api/appeals/{appeal_id}/text", {
    params: { ...appealPath(appealId), header: { "if-match": etag ?? undefined } },
    body: { blocks, note: note || null },
  });
  const result = await pending;
  const error = result.error as (Partial<EditConflict> & { code?: string }) | undefined;
  if (result.response.status === 412 && error?.code === "edit_conflict" && error.current) {
    throw new EditConflictError(error.current, result.response.headers.get("ETag"), error.conflicts ?? []);
  }
  const text = await unwrap(pending);
  return { text, etag: result.response.headers.get("ETag") };
}

export const markdownUrl = (appealId: string, revision?: number) =>
  `/api/appeals/${encodeURIComponent(appealId)}/text.md${revision ? `?revision=${revision}` : ""}`;

export const listRevisions = (appealId: string, cursor?: string | null) =>
  unwrap(
    api.GET("/api/appeals/{appeal_id}/revisions", {
      params: { ...appealPath(appealId), query: cursor ? { cursor } : {} },
    }),
  );

export const getRevision = (appealId: string, number: number) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/revisions/{number}", { params: { path: { appeal_id: appealId, number } } }));

export const diffRevisions = (appealId: string, from: number, to: number) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/diff", { params: { ...appealPath(appealId), query: { from, to } } }));

export const changeState = (appealId: string, action: AppealAction) =>
  unwrap(api.POST("/api/appeals/{appeal_id}/transitions", { params: appealPath(appealId), body: { action } }));

/** Approve, for `organizationId`, exactly the revision whose hash is `sha256`. */
export const approve = (appealId: string, organizationId: string, sha256: string) =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/approvals", {
      params: appealPath(appealId),
      body: { organization_id: organizationId, sha256 },
    }),
  );

export const inviteCoAuthor = (appealId: string, organizationId: string) =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/co-authors", {
      params: appealPath(appealId),
      body: { organization_id: organizationId },
    }),
  );

export const decideCoAuthoring = (appealId: string, organizationId: string, decision: "accept" | "decline" | "leave") =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/co-authors/{organization_id}/decision", {
      params: { path: { appeal_id: appealId, organization_id: organizationId } },
      body: { decision },
    }),
  );

export const addEditor = (appealId: string, userId: string) =>
  unwrap(api.POST("/api/appeals/{appeal_id}/editors", { params: appealPath(appealId), body: { user_id: userId } }));

export const removeEditor = (appealId: string, userId: string) =>
  unwrap(
    api.DELETE("/api/appeals/{appeal_id}/editors/{user_id}", {
      params: { path: { appeal_id: appealId, user_id: userId } },
    }),
  );

/** Everyone else who sees the appeal, by name: whom a comment may mention. */
export const listMentionable = (appealId: string) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/mentionable", { params: appealPath(appealId) }));

export const listComments = (appealId: string) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/comments", { params: appealPath(appealId) }));

/** `start`/`end` count characters (code points) in the block's text of that revision. */
export const addComment = (appealId: string, body: Schemas["CommentCreate"]) =>
  unwrap(api.POST("/api/appeals/{appeal_id}/comments", { params: appealPath(appealId), body }));

export const replyToComment = (appealId: string, commentId: string, body: string, mentions: string[] = []) =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/comments/{comment_id}/replies", {
      params: { path: { appeal_id: appealId, comment_id: commentId } },
      body: { body, mentions },
    }),
  );

export const resolveComment = (appealId: string, commentId: string, resolved: boolean) =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/comments/{comment_id}/resolution", {
      params: { path: { appeal_id: appealId, comment_id: commentId } },
      body: { resolved },
    }),
  );

export const listSuggestions = (appealId: string) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/suggestions", { params: appealPath(appealId) }));

export const suggest = (appealId: string, body: Schemas["SuggestionCreate"]) =>
  unwrap(api.POST("/api/appeals/{appeal_id}/suggestions", { params: appealPath(appealId), body }));

export const acceptSuggestion = (appealId: string, suggestionId: string) =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/suggestions/{suggestion_id}/accept", {
      params: { path: { appeal_id: appealId, suggestion_id: suggestionId } },
    }),
  );

export const rejectSuggestion = (appealId: string, suggestionId: string, reason: string) =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/suggestions/{suggestion_id}/reject", {
      params: { path: { appeal_id: appealId, suggestion_id: suggestionId } },
      body: { reason },
    }),
  );

export const listTranslations = (appealId: string) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/translations", { params: appealPath(appealId) }));

export async function createTranslation(appealId: string, language: string) {
  const pending = api.POST("/api/appeals/{appeal_id}/translations", {
    params: appealPath(appealId),
    body: { language },
  });
  const translation = await unwrap(pending);
  return { translation, etag: (await pending).response.headers.get("ETag") };
}

export async function getTranslation(appealId: string, language: string) {
  const pending = api.GET("/api/appeals/{appeal_id}/translations/{language}", {
    params: { path: { appeal_id: appealId, language } },
  });
  const translation = await unwrap(pending);
  return { translation, etag: (await pending).response.headers.get("ETag") };
}

export async function saveTranslation(appealId: string, language: string, etag: string | null, blocks: BlockInput[]) {
  const pending = api.PUT("/api/appeals/{appeal_id}/translations/{language}/text", {
    params: { path: { appeal_id: appealId, language }, header: { "if-match": etag ?? undefined } },
    body: { blocks },
  });
  const translation = await unwrap(pending);
  return { translation, etag: (await pending).response.headers.get("ETag") };
}

export const approveTranslation = (appealId: string, language: string, sha256: string) =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/translations/{language}/approval", {
      params: { path: { appeal_id: appealId, language } },
      body: { sha256 },
    }),
  );

export const getActivity = (appealId: string) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/activity", { params: appealPath(appealId) }));

/** The organizations the caller may invite to co-author (only for those who may invite). */
export const listCoAuthorCandidates = (appealId: string) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/co-author-candidates", { params: appealPath(appealId) }));

/** Dispatches, responses and follow-ups (app/outreach/dispatches) over the generated client. */
import { api } from "../../../api/client";
import { unwrap } from "../../../api/problem";
import type { components } from "../../../api/schema";

type Schemas = components["schemas"];
export type Overview = Schemas["OutreachOverview"];
export type RecipientRow = Schemas["RecipientOutreach"];
export type DispatchInput = Schemas["DispatchCreate"];
export type DispatchDetail = Schemas["DispatchDetail"];
export type ResponseInput = Schemas["ResponseCreate"];
export type FollowUp = Schemas["FollowUpRead"];
export type MyFollowUp = Schemas["MyFollowUpRead"];
export type Channel = DispatchInput["channel"];
export type ResponseKind = ResponseInput["kind"];
export type Stance = Schemas["StanceIn"]["stance"];
export type Status = RecipientRow["status"];

export const CHANNELS: readonly Channel[] = [
  "email",
  "post",
  "hand_delivery",
  "embassy",
  "meeting",
  "diplomatic_note",
  "web_form",
];
export const RESPONSE_KINDS: readonly ResponseKind[] = [
  "acknowledgement",
  "substantive_reply",
  "refusal",
  "referral",
  "meeting_offered",
];
export const STANCES: readonly Stance[] = ["not_addressed", "supports", "partially_supports", "opposes", "no_position"];

const appealPath = (appealId: string) => ({ path: { appeal_id: appealId } });

/** A random Idempotency-Key for one create: a retry of the same request sends it again. */
export const newIdempotencyKey = () => crypto.randomUUID();

export const getOutreach = (appealId: string) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/outreach", { params: appealPath(appealId) }));

export const recordDispatch = (appealId: string, body: DispatchInput, key: string) =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/dispatches", {
      params: { ...appealPath(appealId), header: { "idempotency-key": key } },
      body,
    }),
  );

export const getDispatch = (dispatchId: string) =>
  unwrap(api.GET("/api/dispatches/{dispatch_id}", { params: { path: { dispatch_id: dispatchId } } }));

export const closeDispatch = (dispatch: DispatchDetail, closed: boolean) =>
  unwrap(
    api.PATCH("/api/dispatches/{dispatch_id}", {
      params: { path: { dispatch_id: dispatch.id }, header: { "if-match": `"${dispatch.version}"` } },
      body: { closed },
    }),
  );

export const recordResponse = (dispatchId: string, body: ResponseInput) =>
  unwrap(
    api.POST("/api/dispatches/{dispatch_id}/responses", {
      params: { path: { dispatch_id: dispatchId } },
      body,
    }),
  );

export const markFollowUpDone = (followUp: FollowUp, done: boolean) =>
  unwrap(
    api.PATCH("/api/follow-ups/{follow_up_id}", {
      params: { path: { follow_up_id: followUp.id }, header: { "if-match": `"${followUp.version}"` } },
      body: { done },
    }),
  );

export const listMyFollowUps = () => unwrap(api.GET("/api/follow-ups"));

export type DispatchBatchInput = Schemas["DispatchBatchCreate"];
export type ResponseRead = Schemas["ResponseRead"];

export const recordDispatchBatch = (appealId: string, body: DispatchBatchInput, key: string) =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/dispatches/batch", {
      params: { ...appealPath(appealId), header: { "idempotency-key": key } },
      body,
    }),
  );

/** Show a response (its kind, date and stances; never its summary or documents) on the
 * public tracker, or take it off. */
export const publishResponse = (response: ResponseRead, published: boolean) =>
  unwrap(
    api.PATCH("/api/responses/{response_id}", {
      params: { path: { response_id: response.id }, header: { "if-match": `"${response.version}"` } },
      body: { published },
    }),
  );

export const planFollowUp = (dispatchId: string, dueOn: string, note: string | null, assigneeId: string | null) =>
  unwrap(
    api.POST("/api/dispatches/{dispatch_id}/follow-ups", {
      params: { path: { dispatch_id: dispatchId } },
      body: { due_on: dueOn, note, assignee_id: assigneeId },
    }),
  );

export const rescheduleFollowUp = (followUp: FollowUp, dueOn: string) =>
  unwrap(
    api.PATCH("/api/follow-ups/{follow_up_id}", {
      params: { path: { follow_up_id: followUp.id }, header: { "if-match": `"${followUp.version}"` } },
      body: { due_on: dueOn },
    }),
  );

export const dropFollowUp = (followUp: FollowUp) =>
  unwrap(api.DELETE("/api/follow-ups/{follow_up_id}", { params: { path: { follow_up_id: followUp.id } } }));

export const listFollowUpAssignees = () => unwrap(api.GET("/api/follow-ups/assignees"));

export const reassignFollowUp = (followUp: FollowUp, assigneeId: string) =>
  unwrap(
    api.PATCH("/api/follow-ups/{follow_up_id}", {
      params: { path: { follow_up_id: followUp.id }, header: { "if-match": `"${followUp.version}"` } },
      body: { assignee_id: assigneeId },
    }),
  );

export type ResponseChanges = Schemas["ResponseUpdate"];

export const editResponse = (response: ResponseRead, changes: ResponseChanges) =>
  unwrap(
    api.PATCH("/api/responses/{response_id}", {
      params: { path: { response_id: response.id }, header: { "if-match": `"${response.version}"` } },
      body: changes,
    }),
  );

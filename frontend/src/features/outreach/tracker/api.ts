/** The public tracker (app/outreach/tracker) over the generated client. */
import { api } from "../../../api/client";
import { unwrap } from "../../../api/problem";
import type { components } from "../../../api/schema";

type Schemas = components["schemas"];
export type PublicTracker = Schemas["PublicTrackerRead"];
export type TrackedRecipient = Schemas["TrackedRecipient"];
export type Tracker = Schemas["TrackerRead"];
export type PublicStatus = TrackedRecipient["status"];
export type Stance = Schemas["PublishedStance"]["stance"];

const appealPath = (appealId: string) => ({ path: { appeal_id: appealId } });

export const getPublicTracker = (appealId: string) =>
  unwrap(api.GET("/api/public/trackers/{appeal_id}", { params: appealPath(appealId) }));

export const getTracker = (appealId: string) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/tracker", { params: appealPath(appealId) }));

export const setTracker = (appealId: string, published: boolean) =>
  unwrap(api.PUT("/api/appeals/{appeal_id}/tracker", { params: appealPath(appealId), body: { published } }));

export const feedPath = (appealId: string) => `/api/public/trackers/${appealId}/feed`;

export type VerifiedText = Schemas["VerifiedText"];

/** The text a letter's footer names by its hash (anyone; 404 text_not_found otherwise). */
export const getVerifiedText = (sha256: string) =>
  unwrap(api.GET("/api/public/texts/{sha256}", { params: { path: { sha256 } } }));

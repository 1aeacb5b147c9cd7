/**
 * Outreach documents (app/outreach/documents). Uploads go through XMLHttpRequest, the only
 * browser API that reports upload progress; the file is the raw body (never a form), its
 * name percent-encoded in X-Filename. Lists and deletes use the generated client.
 */
import { api } from "../../../api/client";
import { getCsrfToken } from "../../../api/csrf";
import { ApiError, LOCAL_CODES, problemFrom, unwrap } from "../../../api/problem";
import type { components } from "../../../api/schema";

export type DocumentRead = components["schemas"]["DocumentRead"];

/** What a document belongs to: a dispatch (its proof) or a response. */
export interface DocumentParent {
  kind: "dispatch" | "response";
  id: string;
}

export const uploadPath = (parent: DocumentParent) =>
  `/api/${parent.kind === "dispatch" ? "dispatches" : "responses"}/${encodeURIComponent(parent.id)}/documents`;

export const downloadUrl = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}`;

export const listDocuments = (parent: DocumentParent) =>
  parent.kind === "dispatch"
    ? unwrap(api.GET("/api/dispatches/{dispatch_id}/documents", { params: { path: { dispatch_id: parent.id } } }))
    : unwrap(api.GET("/api/responses/{response_id}/documents", { params: { path: { response_id: parent.id } } }));

export const deleteDocument = (documentId: string) =>
  unwrap(api.DELETE("/api/documents/{document_id}", { params: { path: { document_id: documentId } } }));

/** Fraction sent so far (0 to 1). */
export type Progress = (fraction: number) => void;

export type Uploader = (parent: DocumentParent, file: File, onProgress: Progress) => Promise<DocumentRead>;

/** Sends the file as the request body; rejects with the server's problem as an ApiError. */
export const uploadDocument: Uploader = (parent, file, onProgress) =>
  new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", uploadPath(parent));
    request.withCredentials = true;
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.setRequestHeader("X-Filename", encodeURIComponent(file.name));
    const token = getCsrfToken();
    if (token) request.setRequestHeader("X-CSRF-Token", token);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError(0, LOCAL_CODES.network));
    request.onabort = () => reject(new ApiError(0, LOCAL_CODES.cancelled));
    request.onload = () => {
      let body: unknown = null;
      try {
        body = request.responseText ? JSON.parse(request.responseText) : null;
      } catch {
        body = null;
      }
      if (request.status >= 200 && request.status < 300) {
        resolve(body as DocumentRead);
        return;
      }
      if (request.status < 200) {
        reject(new ApiError(0, LOCAL_CODES.network));
        return;
      }
      const headers = new Headers();
      const retryAfter = request.getResponseHeader("Retry-After");
      if (retryAfter) headers.set("Retry-After", retryAfter);
      reject(problemFrom(new Response(null, { status: request.status, headers }), body));
    };
    request.send(file);
  });

/**
 * The session's CSRF token, kept in memory only (never in localStorage or a cookie we can
 * read): the server hands it out with the sign-in answer and GET /api/auth/session, and a
 * new one whenever it renews the session cookie. A page reload loses it; the auth context
 * fetches it again from /api/auth/session before anything else.
 */
let token: string | null = null;

export function setCsrfToken(value: string | null): void {
  token = value;
}

export function getCsrfToken(): string | null {
  return token;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Adds `X-CSRF-Token` to every unsafe request (the server refuses them without it). */
export function addCsrfHeader(request: Request): Request {
  if (!SAFE_METHODS.has(request.method.toUpperCase()) && token) {
    request.headers.set("X-CSRF-Token", token);
  }
  return request;
}

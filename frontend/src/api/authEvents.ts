/**
 * Any API call can learn that the session changed under it: it ended (401
 * sign_in_required), it needs a second factor or an enrolment first (403), or its CSRF token
 * is stale (another tab renewed the session). The client reports these here; the auth
 * context listens and re-reads the session, and the route guards take the user where they
 * need to go.
 */
export const SESSION_PROBLEMS = [
  "sign_in_required",
  "second_factor_required",
  "enrolment_required",
  "csrf_failed",
] as const;
export type SessionProblem = (typeof SESSION_PROBLEMS)[number];

type Listener = (problem: SessionProblem) => void;
const listeners = new Set<Listener>();

export function onSessionProblem(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function isSessionProblem(code: unknown): code is SessionProblem {
  return typeof code === "string" && (SESSION_PROBLEMS as readonly string[]).includes(code);
}

/** Reads the code of a 401/403 problem answer (on a copy) and tells the listeners. */
export async function reportSessionProblem(response: Response): Promise<void> {
  if (response.status !== 401 && response.status !== 403) return;
  let code: unknown;
  try {
    code = ((await response.clone().json()) as { code?: unknown }).code;
  } catch {
    return; // not a problem document
  }
  if (isSessionProblem(code)) for (const listener of listeners) listener(code);
}

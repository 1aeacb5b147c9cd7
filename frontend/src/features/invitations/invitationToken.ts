/**
 * The invitation token arrives in the link's fragment (/invitation#<token>): browsers do not
 * send fragments to servers, so it stays out of access logs and Referer headers. It is then
 * sent in request bodies only, never in a URL.
 *
 * It is kept in this tab's sessionStorage until the invitation is accepted or turns out to
 * be invalid, so that a reload, or a detour through signing in (with its second-factor
 * steps, or after signing out of another account), comes back to the invitation instead of
 * asking for the link again. Closing the tab forgets it.
 */
const KEY = "accord.invitation";

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the token lives as long as the page
  }
}

let inMemory: string | null = null;

/** Takes a token from a location hash ("#abc…"), remembering it; else the remembered one. */
export function takeInvitationToken(hash: string): string | null {
  const raw = hash.startsWith("#") ? hash.slice(1) : hash;
  if (raw) {
    let token = raw;
    try {
      token = decodeURIComponent(raw);
    } catch {
      // not percent-encoded: used as it is
    }
    inMemory = token;
    storage()?.setItem(KEY, token);
  }
  return pendingInvitationToken();
}

/** The token of an invitation opened in this tab and not yet accepted, if any. */
export function pendingInvitationToken(): string | null {
  return storage()?.getItem(KEY) ?? inMemory;
}

export function forgetInvitationToken(): void {
  inMemory = null;
  storage()?.removeItem(KEY);
}

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
// Set once the home page has sent the person back to the invitation: it does so once per
// link, so that an invitation they cannot or will not accept here (another account's, say)
// never traps them away from the home page.
const RETURNED = "accord.invitation.returned";

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
    storage()?.removeItem(RETURNED);
  }
  return pendingInvitationToken();
}

/** The token of an invitation opened in this tab and not yet accepted, if any. */
export function pendingInvitationToken(): string | null {
  return storage()?.getItem(KEY) ?? inMemory;
}

/** Whether to go back to a pending invitation now (true once per link, then false). */
export function returnToInvitation(): boolean {
  if (!pendingInvitationToken() || storage()?.getItem(RETURNED)) return false;
  storage()?.setItem(RETURNED, "1");
  return true;
}

/** The person has the invitation before them, signed in: going home now is their choice, and
 * the home page must not send them back to it. */
export function invitationShownSignedIn(): void {
  if (pendingInvitationToken()) storage()?.setItem(RETURNED, "1");
}

export function forgetInvitationToken(): void {
  inMemory = null;
  storage()?.removeItem(KEY);
  storage()?.removeItem(RETURNED);
}

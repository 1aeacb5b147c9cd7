/**
 * The invitation token arrives in the link's fragment (/invitation#<token>): browsers do not
 * send fragments to servers, so it stays out of access logs and Referer headers. It is read
 * once, kept in memory only (it survives a detour through the sign-in page, not a reload),
 * and then sent in request bodies, never in a URL.
 */
let pending: string | null = null;

/** Takes a token from a location hash ("#abc…"), remembering it; else the remembered one. */
export function takeInvitationToken(hash: string): string | null {
  const raw = hash.startsWith("#") ? hash.slice(1) : hash;
  if (raw) {
    try {
      pending = decodeURIComponent(raw);
    } catch {
      pending = raw;
    }
  }
  return pending;
}

export function forgetInvitationToken(): void {
  pending = null;
}

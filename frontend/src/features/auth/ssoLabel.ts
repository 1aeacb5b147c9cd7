import { LANGUAGES } from "../../i18n/languages";

const lower = (text: string) => text.trim().replace(/\s+/g, " ").toLocaleLowerCase();

/**
 * How a configured label may already begin, in any interface language: each language's own
 * "Sign in with {{provider}}" up to the name, and its signIn.ssoLabelOpenings. Longest first,
 * so "sign in with" wins over a shorter opening it starts with.
 */
const OPENINGS = [
  ...new Set(
    LANGUAGES.flatMap(({ messages }) => [
      messages.signIn.sso.split("{{provider}}")[0] ?? "",
      ...messages.signIn.ssoLabelOpenings.split("|"),
    ])
      .map(lower)
      .filter((opening) => opening.length > 0),
  ),
].sort((a, b) => b.length - a.length);

/** Names that mean "single sign-on" itself (the server's default display name among them). */
const GENERIC = new Set(LANGUAGES.map(({ messages }) => lower(messages.signIn.ssoDefault)));

/**
 * The provider's name in the configured display name, or null for "single sign-on" in
 * general. The setting is meant to hold a name ("Coalition ID"), but a whole label ("Sign in
 * with Coalition ID", in any language) is common: its opening is dropped, so the button reads
 * "Sign in with Coalition ID" in the user's language, never "Sign in with Sign in with …".
 */
export function ssoProviderName(displayName: string | null | undefined): string | null {
  let name = (displayName ?? "").trim().replace(/\s+/g, " ");
  const folded = name.toLocaleLowerCase();
  const opening = OPENINGS.find(
    (candidate) => folded.startsWith(candidate) && /^(\s|:|$)/.test(folded.slice(candidate.length)),
  );
  if (opening) name = name.slice(opening.length).replace(/^[\s:]+/, "");
  if (!name || GENERIC.has(lower(name))) return null;
  return name;
}

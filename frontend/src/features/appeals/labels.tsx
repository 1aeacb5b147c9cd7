import { useTranslation } from "react-i18next";
import type { AppealState } from "./api";

// Chromium ships no Belarusian display names; these are the languages coalition letters are
// most often written in.
const NAMES_BE: Record<string, string> = {
  be: "беларуская",
  ru: "руская",
  en: "англійская",
  uk: "украінская",
  pl: "польская",
  lt: "літоўская",
  lv: "латышская",
  et: "эстонская",
  de: "нямецкая",
  fr: "французская",
  es: "іспанская",
  it: "італьянская",
  ka: "грузінская",
};

/** The first 12 hex digits of a revision hash (the whole one goes in a title). */
export const shortHash = (sha256: string | null | undefined) => (sha256 ? sha256.slice(0, 12) : "—");

/** A BCP 47 tag in its canonical form, or null if it is not one. */
export function canonicalLanguageTag(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag.trim())[0] ?? null;
  } catch {
    return null;
  }
}

/** The name of a language (a BCP 47 tag) in the interface language; the tag itself if unknown. */
export function languageName(tag: string, uiLanguage: string): string {
  const canonical = canonicalLanguageTag(tag);
  if (!canonical) return tag;
  const ui = uiLanguage.split("-")[0] ?? "en";
  if (ui === "be" && NAMES_BE[canonical]) return NAMES_BE[canonical];
  try {
    const names = new Intl.DisplayNames([uiLanguage, "en"], { type: "language", fallback: "code" });
    return names.of(canonical) ?? canonical;
  } catch {
    return canonical;
  }
}

/** An appeal's state as a small labelled badge. */
export function StateBadge({ state }: { state: AppealState }) {
  const { t } = useTranslation();
  return (
    <span className={`appeal-state appeal-state--${state}`} data-state={state}>
      {t(`appeals.states.${state}`)}
    </span>
  );
}

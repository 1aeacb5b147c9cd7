import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { DEFAULT_LANGUAGE, LANGUAGES, isSupportedLanguage, type LanguageCode } from "./languages";

/** localStorage key for the user's explicit choice (a preference, never a credential). */
export const LANGUAGE_STORAGE_KEY = "accord.language";

/**
 * The saved choice if it is still supported, else the first of the browser's preferred
 * languages that we support (matching "be-BY" to "be"), else English.
 */
export function detectLanguage(saved: string | null, preferred: readonly string[]): LanguageCode {
  if (saved && isSupportedLanguage(saved)) return saved;
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split("-")[0] ?? "";
    if (isSupportedLanguage(primary)) return primary;
  }
  return DEFAULT_LANGUAGE;
}

function readSavedLanguage(): string | null {
  try {
    return window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null; // storage disabled (private mode, policy): fall back to detection
  }
}

function browserLanguages(): readonly string[] {
  // Typed as always present, but some browsers and webviews leave it out.
  const languages = navigator.languages as readonly string[] | undefined;
  if (languages && languages.length > 0) return languages;
  return navigator.language ? [navigator.language] : [];
}

function applyToDocument(language: string): void {
  document.documentElement.lang = language;
  document.documentElement.dir = i18n.dir(language);
}

/** Switch the interface language and remember the choice for the next visit. */
export async function setLanguage(language: LanguageCode): Promise<void> {
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // not persisted; the switch still applies to this page
  }
  await i18n.changeLanguage(language);
}

/**
 * The language saved in the user's account, used when this browser has no choice of its
 * own (an explicit pick in the language menu always wins, and is not overwritten).
 */
export function adoptAccountLanguage(language: string): void {
  if (readSavedLanguage() !== null || !isSupportedLanguage(language)) return;
  if (i18n.resolvedLanguage !== language) void i18n.changeLanguage(language);
}

i18n.on("languageChanged", applyToDocument);

void i18n.use(initReactI18next).init({
  resources: Object.fromEntries(LANGUAGES.map(({ code, messages }) => [code, { translation: messages }])),
  lng: detectLanguage(readSavedLanguage(), browserLanguages()),
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: LANGUAGES.map(({ code }) => code),
  initAsync: false, // resources are bundled: render translated text on the first paint
  interpolation: { escapeValue: false }, // React escapes
});
applyToDocument(i18n.language);

export default i18n;

import en from "./locales/en.json";
import be from "./locales/be.json";
import ru from "./locales/ru.json";

/**
 * The languages the interface offers. To add one: create locales/<code>.json with the same
 * keys as en.json and add one line here (`name` is the language's own name for itself).
 */
export const LANGUAGES = [
  { code: "en", name: "English", messages: en },
  { code: "be", name: "Беларуская", messages: be },
  { code: "ru", name: "Русский", messages: ru },
] as const;

export type LanguageCode = (typeof LANGUAGES)[number]["code"];

export const DEFAULT_LANGUAGE: LanguageCode = "en";

export function isSupportedLanguage(code: string): code is LanguageCode {
  return LANGUAGES.some((language) => language.code === code);
}

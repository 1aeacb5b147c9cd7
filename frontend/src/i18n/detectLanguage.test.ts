import { describe, expect, it } from "vitest";
import i18n, { LANGUAGE_STORAGE_KEY, adoptAccountLanguage, detectLanguage, setLanguage } from ".";

describe("detectLanguage", () => {
  it("prefers the saved choice", () => {
    expect(detectLanguage("ru", ["be-BY", "en"])).toBe("ru");
  });

  it("ignores a saved choice that is no longer offered", () => {
    expect(detectLanguage("xx", ["be"])).toBe("be");
  });

  it("takes the first supported browser language, matching on the primary subtag", () => {
    expect(detectLanguage(null, ["be-BY", "ru"])).toBe("be");
    expect(detectLanguage(null, ["de-DE", "RU-ru", "en"])).toBe("ru");
  });

  it("falls back to English", () => {
    expect(detectLanguage(null, ["de", "pl-PL"])).toBe("en");
    expect(detectLanguage(null, [])).toBe("en");
  });
});

describe("adoptAccountLanguage", () => {
  it("uses the account's language unless this browser has a saved choice", async () => {
    adoptAccountLanguage("be");
    expect(i18n.language).toBe("be");
    adoptAccountLanguage("xx"); // unsupported: ignored
    expect(i18n.language).toBe("be");

    await setLanguage("ru");
    adoptAccountLanguage("be");
    expect(i18n.language).toBe("ru");
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("ru");
  });
});

import { describe, expect, it } from "vitest";
import { detectLanguage } from ".";

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

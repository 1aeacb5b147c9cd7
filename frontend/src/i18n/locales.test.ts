import { describe, expect, it } from "vitest";
import { LANGUAGES } from "./languages";
import en from "./locales/en.json";

// What a locale file holds is checked below, not assumed: a value may be anything JSON allows.
type Catalogue = { [key: string]: unknown };

/** "a.b.c" → message, for every leaf of a nested catalogue. */
function flatten(catalogue: Catalogue, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(catalogue)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [k, v] of flatten(value as Catalogue, path)) out.set(k, v);
    } else {
      out.set(path, value);
    }
  }
  return out;
}

const placeholders = (message: string) => [...message.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

// Every file in locales/, registered or not, so a forgotten registration is caught too.
const files = import.meta.glob<Catalogue>("./locales/*.json", { eager: true, import: "default" });
const catalogues = Object.entries(files).map(([path, messages]) => ({
  code: path.replace("./locales/", "").replace(".json", ""),
  messages: flatten(messages),
}));
const reference = flatten(en);

describe("locale files", () => {
  it("are all registered in languages.ts, and every registered language has a file", () => {
    expect(catalogues.map((c) => c.code).sort()).toEqual(LANGUAGES.map((l) => l.code).sort());
  });

  describe.each(catalogues)("$code", ({ code, messages }) => {
    it("has exactly the same keys as en.json", () => {
      const missing = [...reference.keys()].filter((key) => !messages.has(key));
      const extra = [...messages.keys()].filter((key) => !reference.has(key));
      expect({ code, missing, extra }).toEqual({ code, missing: [], extra: [] });
    });

    it("has a non-empty string for every key, with the same {{placeholders}} as English", () => {
      for (const [key, english] of reference) {
        const message = messages.get(key);
        if (message === undefined) continue; // reported by the key test
        const text = typeof message === "string" ? message : "";
        expect(text.trim().length > 0, `${code}: ${key} is empty`).toBe(true);
        expect(placeholders(text), `${code}: ${key}`).toEqual(placeholders(String(english)));
      }
    });
  });
});

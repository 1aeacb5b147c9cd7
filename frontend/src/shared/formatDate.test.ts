import { describe, expect, it } from "vitest";
import { formatDateTime } from "./formatDate";

// Local time: the test builds its timestamp from local parts, so any TZ gives the same text.
const MARCH_FIRST = new Date(2026, 2, 1, 10, 5).toISOString();

describe("formatDateTime", () => {
  it("writes Belarusian month names even where the browser has no Belarusian data", () => {
    expect(formatDateTime(MARCH_FIRST, "be")).toBe("1 сакавіка 2026, 10:05");
  });

  it("uses the browser's data for languages it has", () => {
    const english = formatDateTime(MARCH_FIRST, "en");
    expect(english).toContain("Mar");
    expect(english).toContain("10:05");
    expect(formatDateTime(MARCH_FIRST, "ru")).toContain("мар");
  });

  it("shows a dash for nothing or nonsense", () => {
    expect(formatDateTime(null, "en")).toBe("—");
    expect(formatDateTime("not a date", "be")).toBe("—");
  });
});

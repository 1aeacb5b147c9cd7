import { describe, expect, it } from "vitest";
import { COUNTRY_CODES, countryName } from "./countries";
import { BELARUSIAN_COUNTRY_NAMES } from "./countryNamesBe";

describe("countries", () => {
  it("names every country in Belarusian from the bundled table, whatever the browser knows", () => {
    expect(Object.keys(BELARUSIAN_COUNTRY_NAMES).sort()).toEqual([...COUNTRY_CODES].sort());
    expect(countryName("BY", "be")).toBe("Беларусь");
    expect(countryName("LT", "be")).toBe("Літва");
  });

  it("names countries in English and Russian through Intl", () => {
    expect(countryName("LT", "en")).toBe("Lithuania");
    expect(countryName("LT", "ru")).toBe("Литва");
  });
});

import { describe, expect, it } from "vitest";
import openapi from "../../openapi.json";
import { COUNTRY_CODES, countryName, isCountryCode } from "./countries";
import { BELARUSIAN_COUNTRY_NAMES } from "./countryNamesBe";

describe("countries", () => {
  it("are exactly the codes the server accepts (its CountryCode enum)", () => {
    expect([...COUNTRY_CODES]).toEqual(openapi.components.schemas.CountryCode.enum);
    expect(isCountryCode("BY")).toBe(true);
    expect(isCountryCode("XX")).toBe(false);
  });

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

import { describe, expect, it } from "vitest";
import { csvText } from "./csv";

describe("csvText", () => {
  it("quotes data, keeps simple headers plain and defuses formulas", () => {
    expect(csvText(["name", "rate, %"], [["=cmd()", 'say "hi"']])).toBe(
      'name,"rate, %"\r\n"\'=cmd()","say ""hi"""\r\n',
    );
  });
});

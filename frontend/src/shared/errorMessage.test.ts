import { describe, expect, it } from "vitest";
import i18n from "../i18n";
import { LANGUAGES } from "../i18n/languages";
import { ApiError } from "../api/problem";
import { ERROR_CODES, PASSWORD_REASONS, errorMessage } from "./errorMessage";

const t = i18n.t.bind(i18n);

describe("errorMessage", () => {
  it("has its own words for every known code in every language", async () => {
    for (const { code: language } of LANGUAGES) {
      await i18n.changeLanguage(language);
      for (const code of ERROR_CODES) {
        const message = errorMessage(t, new ApiError(400, code));
        expect(message, `${language}: ${code}`).not.toBe(t("errors.unexpected"));
        expect(message).not.toContain(code);
      }
    }
  });

  it("explains each password policy reason", () => {
    const messages = PASSWORD_REASONS.map((reason) =>
      errorMessage(t, new ApiError(422, "password_rejected", { reason })),
    );
    expect(new Set(messages).size).toBe(PASSWORD_REASONS.length);
    expect(messages[0]).toBe("The password is too short: use at least 12 characters.");
    expect(errorMessage(t, new ApiError(422, "password_rejected", { reason: "new_reason" }))).toBe(
      "This password is not allowed. Choose another one.",
    );
  });

  it("falls back by status for codes it does not know, never echoing them", () => {
    expect(errorMessage(t, new ApiError(503, "brand_new_code"))).toBe(
      "The server ran into a problem. Try again later.",
    );
    expect(errorMessage(t, new ApiError(404, "brand_new_code"))).toBe("Not found.");
    expect(errorMessage(t, new ApiError(403, "brand_new_code"))).toBe("You do not have permission to do this.");
    expect(errorMessage(t, new ApiError(400, "brand_new_code"))).toBe("Something went wrong. Try again.");
    expect(errorMessage(t, new Error("Internal detail: /srv/app.py line 3"))).toBe("Something went wrong. Try again.");
  });

  it("says which field was wrong when a validation failure names a known kind", () => {
    const invalidEmail = new ApiError(422, "validation_failed", { fieldErrors: ["email_invalid"] });
    expect(errorMessage(t, invalidEmail)).toBe(t("errors.email_invalid"));
    const missing = new ApiError(422, "validation_failed", { fieldErrors: ["missing"] });
    expect(errorMessage(t, missing)).toBe(t("errors.validation_failed"));
  });

  it("rounds Retry-After up to whole minutes", () => {
    expect(errorMessage(t, new ApiError(429, "too_many_attempts", { retryAfter: 61 }))).toBe(
      "Too many failed attempts. Try again in 2 min.",
    );
    expect(errorMessage(t, new ApiError(429, "too_many_attempts"))).toBe(
      "Too many failed attempts. Wait a while and try again.",
    );
  });
});

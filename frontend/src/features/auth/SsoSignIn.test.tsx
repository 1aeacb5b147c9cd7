import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { setLanguage } from "../../i18n";
import type { LanguageCode } from "../../i18n/languages";
import { fakeServer, problem } from "../../test/fakeServer";
import { renderApp } from "../../test/renderApp";
import { ssoProviderName } from "./ssoLabel";

async function showSignIn(displayName: string, language: LanguageCode) {
  fakeServer({
    "GET /api/auth/session": problem(401, "sign_in_required"),
    "GET /api/auth/oidc/config": { body: { enabled: true, display_name: displayName } },
  });
  await setLanguage(language);
  renderApp("/sign-in");
}

describe("the single sign-on button", () => {
  it.each([
    ["Coalition ID", "en", "Sign in with Coalition ID"],
    ["Sign in with Coalition ID", "en", "Sign in with Coalition ID"],
    ["sign in with  Coalition ID", "en", "Sign in with Coalition ID"],
    ["Coalition ID", "be", "Увайсці праз Coalition ID"],
    ["Sign in with Coalition ID", "be", "Увайсці праз Coalition ID"],
    ["Увайсці праз Coalition ID", "be", "Увайсці праз Coalition ID"],
    ["Coalition ID", "ru", "Войти через Coalition ID"],
    ["Sign in with Coalition ID", "ru", "Войти через Coalition ID"],
    ["Войти с помощью Coalition ID", "en", "Sign in with Coalition ID"],
    ["Single sign-on", "ru", "Войти через единый вход"],
    ["", "be", "Увайсці праз адзіны ўваход"],
  ] as const)("shows %j in %s as %j", async (displayName, language, label) => {
    await showSignIn(displayName, language);
    const link = await screen.findByRole("link", { name: label });
    expect(link.getAttribute("href")).toBe("/api/auth/oidc/start");
    expect(link.textContent).toBe(label);
  });
});

describe("ssoProviderName", () => {
  it("keeps a plain provider name as it is", () => {
    expect(ssoProviderName("Coalition ID")).toBe("Coalition ID");
    // Only a whole opening counts: "Sign in withering" is not "Sign in with" + "ering".
    expect(ssoProviderName("Sign in withering heights")).toBe("Sign in withering heights");
    expect(ssoProviderName("Login.gov")).toBe("Login.gov");
  });

  it("drops an opening the label already has, in any interface language", () => {
    expect(ssoProviderName("Sign in with: Coalition ID")).toBe("Coalition ID");
    expect(ssoProviderName("Log in with Keycloak")).toBe("Keycloak");
    expect(ssoProviderName("Увайсці праз Coalition ID")).toBe("Coalition ID");
    expect(ssoProviderName("ВОЙТИ ЧЕРЕЗ Coalition ID")).toBe("Coalition ID");
  });

  it("means single sign-on in general when nothing else is named", () => {
    expect(ssoProviderName("")).toBeNull();
    expect(ssoProviderName(null)).toBeNull();
    expect(ssoProviderName("Single sign-on")).toBeNull();
    expect(ssoProviderName("Sign in with")).toBeNull();
    expect(ssoProviderName("Sign in with single sign-on")).toBeNull();
  });
});

import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";
import { setCsrfToken } from "../api/csrf";
import { forgetInvitationToken } from "../features/invitations/invitationToken";
import i18n from "../i18n";

// A busy CI machine (the Python suites run beside these) renders jsdom slowly: findBy and
// waitFor wait up to 5 s, not 1 s, so a slow machine delays a test instead of failing it.
configure({ asyncUtilTimeout: 5000 });

afterEach(async () => {
  cleanup();
  window.localStorage.clear();
  // Module memory a test may have filled: a CSRF token, an invitation token.
  setCsrfToken(null);
  forgetInvitationToken();
  await i18n.changeLanguage("en");
});

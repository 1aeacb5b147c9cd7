import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { setCsrfToken } from "../api/csrf";
import { forgetInvitationToken } from "../features/invitations/invitationToken";
import i18n from "../i18n";

afterEach(async () => {
  cleanup();
  window.localStorage.clear();
  // Module memory a test may have filled: a CSRF token, an invitation token.
  setCsrfToken(null);
  forgetInvitationToken();
  await i18n.changeLanguage("en");
});

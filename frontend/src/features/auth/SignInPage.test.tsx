import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { setLanguage } from "../../i18n";
import { fakeServer, problem, sessionBody } from "../../test/fakeServer";
import { renderApp } from "../../test/renderApp";

const heading = () => screen.getByRole("heading", { level: 1 });

async function signIn(email = "ales@example.org", password = "correct horse battery") {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText("Email"), email);
  await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
  return user;
}

describe("sign-in page", () => {
  it("says why the session ended, in the user's language", async () => {
    await setLanguage("be");
    fakeServer({ "GET /api/auth/session": { body: { state: "anonymous", ended: "access_changed" } } });
    renderApp("/sign-in");
    expect((await screen.findByTestId("session-ended")).textContent).toBe(
      "Вашы правы змяніліся, таму вы выйшлі з сістэмы. Увайдзіце зноў, каб працягнуць.",
    );
  });

  it("says why on the home page too, where a reload finds the person signed out", async () => {
    await setLanguage("ru");
    fakeServer({ "GET /api/auth/session": { body: { state: "anonymous", ended: "suspended" } } });
    renderApp("/");
    expect((await screen.findByTestId("session-ended")).textContent).toBe(
      "Ваша учётная запись приостановлена. Обратитесь к администратору коалиции.",
    );
  });

  it("says nothing to a visitor who was not signed in", async () => {
    fakeServer({ "GET /api/auth/session": { body: { state: "anonymous", ended: null } } });
    renderApp("/sign-in");
    await waitFor(() => expect(heading().textContent).toBe("Sign in"));
    expect(screen.queryByTestId("session-ended")).toBeNull();
  });

  it("asks the server why when a request finds the session gone, then tells the person", async () => {
    let ended = false;
    fakeServer({
      "GET /api/auth/session": () =>
        ended ? { body: { state: "anonymous", ended: "ended_by_admin" } } : { body: sessionBody({ state: "full" }) },
      "GET /api/auth/sessions": () => {
        ended = true;
        return problem(401, "sign_in_required");
      },
      "GET /api/auth/recovery-codes": { body: { remaining: 7 } },
      "GET /api/auth/email/pending": { body: { pending: null } },
      "GET /api/auth/passkeys": { body: { items: [] } },
    });
    renderApp("/account");
    expect((await screen.findByTestId("session-ended")).textContent).toBe("An administrator ended your session.");
    expect(heading().textContent).toBe("Sign in");
  });
  it("shows the translated message for a wrong password, never the server's text", async () => {
    fakeServer({
      "GET /api/auth/session": problem(401, "sign_in_required"),
      "POST /api/auth/sign-in": problem(401, "invalid_credentials"),
    });
    renderApp("/sign-in");
    await signIn();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("The email or password is not correct.");
    expect(document.body.textContent).not.toContain("SERVER TEXT");
    expect(screen.getByLabelText<HTMLInputElement>("Password").value).not.toBe(""); // kept to fix a typo
  });

  it("says how long to wait after too many attempts, in the user's language", async () => {
    fakeServer({
      "GET /api/auth/session": problem(401, "sign_in_required"),
      "POST /api/auth/sign-in": problem(429, "too_many_attempts", {}, { "Retry-After": "300" }),
    });
    await setLanguage("ru");
    renderApp("/sign-in");
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Электронная почта"), "a@b.org");
    await user.type(screen.getByLabelText("Пароль"), "whatever");
    await user.click(screen.getByRole("button", { name: "Войти" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Слишком много неудачных попыток. Повторите через 5 мин.",
    );
  });

  it("asks for the second factor, accepts a TOTP code, then goes where the user was headed", async () => {
    let session: ReturnType<typeof sessionBody> | null = null;
    const server = fakeServer({
      "GET /api/auth/session": () => (session ? { body: session } : problem(401, "sign_in_required")),
      "POST /api/auth/sign-in": () => {
        session = sessionBody({ state: "second_factor_required", totp_enabled: true, csrf_token: "csrf-1" });
        return { body: { state: "second_factor_required", csrf_token: "csrf-1" } };
      },
      "POST /api/auth/second-factor/totp": (seen) => {
        if ((seen.body as { code: string }).code !== "123456") return problem(400, "second_factor_invalid");
        session = sessionBody({ state: "full", totp_enabled: true, csrf_token: "csrf-2" });
        return { body: { state: "full", csrf_token: "csrf-2", method: "totp", recovery_codes_remaining: 10 } };
      },
      "GET /api/auth/sessions": { body: { items: [] } },
      "GET /api/auth/passkeys": { body: { items: [] } },
      "GET /api/auth/recovery-codes": { body: { remaining: 10 } },
    });
    renderApp("/account"); // a protected page: sign in first, then come back here
    await waitFor(() => expect(heading().textContent).toBe("Sign in"));
    const user = await signIn();

    await waitFor(() => expect(heading().textContent).toBe("Confirm it is you"));
    await user.type(screen.getByLabelText("Code from your authenticator app"), "000000");
    await user.click(screen.getByRole("button", { name: "Confirm" }));
    expect((await screen.findByRole("alert")).textContent).toBe("That code is not valid. Check it and try again.");

    await user.clear(screen.getByLabelText("Code from your authenticator app"));
    await user.type(screen.getByLabelText("Code from your authenticator app"), "123456");
    await user.click(screen.getByRole("button", { name: "Confirm" }));
    await waitFor(() => expect(heading().textContent).toBe("Account security"));

    // The second-factor request carried the token from the sign-in answer.
    const verify = server.calls("POST", "/api/auth/second-factor/totp");
    expect(verify.map((r) => r.headers.get("X-CSRF-Token"))).toEqual(["csrf-1", "csrf-1"]);
  });

  it("offers a recovery code instead of the app code", async () => {
    let session = sessionBody({ state: "second_factor_required", totp_enabled: true });
    const server = fakeServer({
      "GET /api/auth/session": () => ({ body: session }),
      "POST /api/auth/second-factor/recovery-code": () => {
        session = sessionBody({ state: "full", totp_enabled: true });
        return { body: { state: "full", csrf_token: "c", method: "recovery_code", recovery_codes_remaining: 9 } };
      },
    });
    renderApp("/sign-in/verify");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Use a recovery code instead" }));
    await user.type(screen.getByLabelText("Recovery code"), " abcd-efgh-jkmn ");
    await user.click(screen.getByRole("button", { name: "Confirm" }));
    await waitFor(() => expect(heading().textContent).toBe("Welcome to Accord"));
    expect(server.calls("POST", "/api/auth/second-factor/recovery-code")[0]?.body).toEqual({ code: "abcd-efgh-jkmn" });
  });

  it("asks for the one-time password only when the server wants it again", async () => {
    let asked = false;
    const server = fakeServer({
      "GET /api/auth/session": { body: sessionBody({ password_change_required: true }) },
      "POST /api/auth/password": (seen) => {
        if (!(seen.body as { current_password?: string }).current_password) {
          asked = true;
          return problem(403, "current_password_required");
        }
        return { body: { state: "full", csrf_token: "csrf-pw", other_sessions_revoked: 0 } };
      },
    });
    renderApp("/sign-in/new-password");
    await waitFor(() => expect(heading().textContent).toBe("Choose your own password"));
    const user = userEvent.setup();
    expect(screen.queryByLabelText("Current password")).toBeNull();
    await user.type(screen.getByLabelText("New password"), "violet tram under the bridge");
    await user.type(screen.getByLabelText("Repeat the new password"), "violet tram under the bridge");
    await user.click(screen.getByRole("button", { name: "Set password" }));
    await user.type(await screen.findByLabelText("Current password"), "one-time-password");
    await user.click(screen.getByRole("button", { name: "Set password" }));
    await waitFor(() => expect(server.calls("POST", "/api/auth/password")).toHaveLength(2));
    expect(asked).toBe(true);
    expect(server.calls("POST", "/api/auth/password")[1]?.body).toEqual({
      current_password: "one-time-password",
      new_password: "violet tram under the bridge",
    });
  });

  it("takes a first admin through a new password and TOTP enrolment to the recovery codes", async () => {
    let session = sessionBody({ state: "enrolment_required", roles: ["admin"], password_change_required: true });
    const server = fakeServer({
      "GET /api/auth/session": () => ({ body: session }),
      "POST /api/auth/password": (seen) => {
        const body = seen.body as { new_password: string; current_password?: string };
        if (body.new_password === "password1234") return problem(422, "password_rejected", { reason: "too_common" });
        // The server renews the session: its cookie, hence its CSRF token, is new.
        session = sessionBody({ state: "enrolment_required", roles: ["admin"], csrf_token: "csrf-pw" });
        return { body: { state: "enrolment_required", csrf_token: "csrf-pw", other_sessions_revoked: 0 } };
      },
      "POST /api/auth/totp/enrolment": {
        body: {
          secret: "JBSWY3DPEHPK3PXP",
          otpauth_uri: "otpauth://totp/Accord",
          qr_svg: "<svg xmlns='http://www.w3.org/2000/svg'/>",
        },
      },
      "POST /api/auth/totp/enrolment/confirm": () => {
        session = sessionBody({ state: "full", roles: ["admin"], totp_enabled: true, csrf_token: "csrf-totp" });
        return {
          body: { state: "full", csrf_token: "csrf-totp", recovery_codes: ["aaaa-bbbb-cccc", "dddd-eeee-ffff"] },
        };
      },
    });
    renderApp("/sign-in");
    await waitFor(() => expect(heading().textContent).toBe("Choose your own password"));
    const user = userEvent.setup();
    // The one-time password was typed a moment ago to sign in: not asked again.
    expect(screen.queryByLabelText("Current password")).toBeNull();
    await user.type(screen.getByLabelText("New password"), "password1234");
    await user.type(screen.getByLabelText("Repeat the new password"), "password1234");
    await user.click(screen.getByRole("button", { name: "Set password" }));
    expect((await screen.findByRole("alert")).textContent).toContain("lists of common passwords");

    await user.clear(screen.getByLabelText("New password"));
    await user.clear(screen.getByLabelText("Repeat the new password"));
    await user.type(screen.getByLabelText("New password"), "violet tram under the bridge");
    await user.type(screen.getByLabelText("Repeat the new password"), "violet tram under the bridge");
    await user.click(screen.getByRole("button", { name: "Set password" }));
    expect(server.calls("POST", "/api/auth/password").at(-1)?.body).toEqual({
      new_password: "violet tram under the bridge",
    });

    await waitFor(() => expect(heading().textContent).toBe("Set up a second factor"));
    await user.click(screen.getByLabelText(/Authenticator app/));
    await user.click(screen.getByRole("button", { name: "Set up an authenticator app" }));
    const qr = await screen.findByRole("img", { name: "QR code to add Accord to your authenticator app" });
    expect(qr.getAttribute("src")).toBe(
      `data:image/svg+xml;base64,${btoa("<svg xmlns='http://www.w3.org/2000/svg'/>")}`,
    );
    expect(screen.getByTestId("totp-secret").textContent).toBe("JBSWY3DPEHPK3PXP");
    expect(server.calls("POST", "/api/auth/totp/enrolment")[0]?.headers.get("X-CSRF-Token")).toBe("csrf-pw");

    await user.type(screen.getByLabelText("Code shown by the app"), "654321");
    await user.click(screen.getByRole("button", { name: "Confirm and turn on" }));
    const codes = await screen.findByTestId("recovery-codes");
    expect(codes.textContent).toContain("aaaa-bbbb-cccc");
    expect(document.activeElement?.textContent).toBe("Save your recovery codes");

    const next = screen.getByRole("button", { name: "Continue" });
    expect((next as HTMLButtonElement).disabled).toBe(true);
    await user.click(screen.getByLabelText("I have saved my recovery codes somewhere safe"));
    await user.click(next);
    await waitFor(() => expect(heading().textContent).toBe("Welcome to Accord"));
    expect(screen.getByRole("link", { name: "Administration" })).toBeTruthy();
  });

  it("sends a signed-in user whom any route refuses with enrolment_required to enrolment", async () => {
    let session = sessionBody({ state: "full", roles: [] });
    fakeServer({
      "GET /api/auth/session": () => ({ body: session }),
      "GET /api/auth/passkeys": () => {
        session = sessionBody({ state: "enrolment_required", roles: ["coordinator"] });
        return problem(403, "enrolment_required");
      },
      "GET /api/auth/sessions": { body: { items: [] } },
      "GET /api/auth/recovery-codes": { body: { remaining: 0 } },
    });
    renderApp("/account");
    await waitFor(() => expect(heading().textContent).toBe("Set up a second factor"));
  });

  it("translates the SSO error from the URL and shows the SSO button when enabled", async () => {
    fakeServer({
      "GET /api/auth/session": problem(401, "sign_in_required"),
      "GET /api/auth/oidc/config": { body: { enabled: true, display_name: "Coalition ID" } },
    });
    await setLanguage("be");
    renderApp("/sign-in?error=sso_no_account");
    expect((await screen.findByRole("alert")).textContent).toContain("няма ўліковага запісу");
    const sso = await screen.findByRole("link", { name: "Увайсці праз Coalition ID" });
    expect(sso.getAttribute("href")).toBe("/api/auth/oidc/start");
  });

  it("ignores an unknown error value in the URL", async () => {
    fakeServer({ "GET /api/auth/session": problem(401, "sign_in_required") });
    renderApp("/sign-in?error=<b>hi</b>");
    await screen.findByLabelText("Email");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.queryByRole("link", { name: /Sign in with/ })).toBeNull(); // no SSO here
  });
});

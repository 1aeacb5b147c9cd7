import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeServer, problem, sessionBody } from "../../../test/fakeServer";
import { confirmInPage } from "../../../test/confirmInPage";
import { renderApp } from "../../../test/renderApp";

const SESSIONS = {
  items: [
    {
      id: "s1",
      created_at: "2026-03-01T10:00:00Z",
      last_seen_at: "2026-03-01T10:05:00Z",
      method: "password",
      user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
      current: true,
    },
    {
      id: "s2",
      created_at: "2026-02-20T08:00:00Z",
      last_seen_at: "2026-02-21T09:00:00Z",
      method: "passkey",
      user_agent:
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
        "Version/17.4 Mobile/15E148 Safari/604.1",
      current: false,
    },
  ],
};

function accountServer(extra: Parameters<typeof fakeServer>[0] = {}) {
  return fakeServer({
    "GET /api/auth/session": { body: sessionBody({ totp_enabled: true, roles: ["admin"] }) },
    "GET /api/auth/sessions": { body: SESSIONS },
    "GET /api/auth/passkeys": { body: { items: [] } },
    "GET /api/auth/recovery-codes": { body: { remaining: 7 } },
    "GET /api/auth/email/pending": { body: { pending: null } },
    ...extra,
  });
}

describe("account security page", () => {
  it("asks for a fresh second factor when the server wants a step-up, then retries", async () => {
    let fresh = false;
    const server = accountServer({
      "POST /api/auth/recovery-codes": () =>
        fresh ? { body: { recovery_codes: ["new1-new1-new1"] } } : problem(403, "step_up_required"),
      "POST /api/auth/second-factor/totp": () => {
        fresh = true;
        return { body: { state: "full", csrf_token: "csrf-stepped-up", method: "totp", recovery_codes_remaining: 7 } };
      },
    });
    renderApp("/account");
    const user = userEvent.setup();
    await waitFor(() =>
      expect(screen.getByTestId("recovery-codes-remaining").textContent).toBe("Unused recovery codes: 7"),
    );
    await user.click(screen.getByRole("button", { name: "Create new recovery codes" }));
    await confirmInPage(user, /^Create new recovery codes\?/, "Create new recovery codes");

    const dialog = await screen.findByRole("dialog", { name: "Confirm it is still you" });
    await user.type(within(dialog).getByLabelText("Code from your authenticator app"), "123456");
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));

    expect((await screen.findByTestId("recovery-codes")).textContent).toContain("new1-new1-new1");
    expect(screen.queryByRole("dialog")).toBeNull();
    const attempts = server.calls("POST", "/api/auth/recovery-codes");
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.headers.get("X-CSRF-Token")).toBe("csrf-stepped-up"); // the renewed session's token
  });

  it("drops the action quietly when the step-up dialog is cancelled", async () => {
    const server = accountServer({ "DELETE /api/auth/totp": problem(403, "step_up_required") });
    renderApp("/account");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Remove authenticator app" }));
    await confirmInPage(user, "Remove the authenticator app from your account?", "Remove authenticator app");
    const dialog = await screen.findByRole("dialog", { name: "Confirm it is still you" });
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.queryByRole("alert")).toBeNull();
    expect(server.calls("DELETE", "/api/auth/totp")).toHaveLength(1);
  });

  it("explains why the server refused a new password", async () => {
    accountServer({
      "POST /api/auth/password": problem(422, "password_rejected", { reason: "too_guessable" }),
    });
    renderApp("/account");
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("New password"), "ales@example.org1");
    await user.type(screen.getByLabelText("Repeat the new password"), "ales@example.org1");
    // An account with a second factor is not asked for the current password (step-up instead).
    expect(screen.queryByLabelText("Current password")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Change password" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "This password would be easy to guess (for example, it is built from your name or email or a simple pattern). " +
        "Add more unrelated words.",
    );
  });

  it("changes the email address only once the code sent to the new address is entered", async () => {
    const asked = { email: "ales@example.org", expires_at: "2026-03-01T11:00:00Z" };
    let pendingNow: typeof asked | null = null;
    const server = accountServer({
      "GET /api/auth/email/pending": () => ({ body: { pending: pendingNow } }),
      "POST /api/auth/email": () => {
        pendingNow = asked;
        return { status: 202, body: asked };
      },
      "POST /api/auth/email/confirm": ({ body }) => {
        if ((body as { code: string }).code !== "1234 5678") return problem(400, "email_change_invalid");
        pendingNow = null;
        return { body: { email: asked.email } };
      },
    });
    renderApp("/account");
    const user = userEvent.setup();
    const section = await screen.findByTestId("email-section");
    await user.type(within(section).getByLabelText(/^New email address/), "ales@example.org");
    await user.click(within(section).getByRole("button", { name: "Send a confirmation code" }));

    expect((await within(section).findByRole("status")).textContent).toBe(
      "We sent a code to ales@example.org. Enter it below to finish; until then you keep signing in " +
        "with your current address, which was told about the request.",
    );
    const pending = within(section).getByTestId("email-change-pending");
    expect(pending.textContent).toContain("Waiting for confirmation of ales@example.org.");
    // An account with a second factor steps up instead of typing the password.
    expect(server.calls("POST", "/api/auth/email")[0]?.body).toEqual({ new_email: "ales@example.org" });

    await user.type(within(pending).getByLabelText(/^Code from the email/), "1111 1111");
    await user.click(within(pending).getByRole("button", { name: "Confirm the new address" }));
    expect((await within(section).findByRole("alert")).textContent).toBe(
      "The code is wrong or no longer valid. Check the latest email, or ask for a new code.",
    );

    await user.clear(within(pending).getByLabelText(/^Code from the email/));
    await user.type(within(pending).getByLabelText(/^Code from the email/), "1234 5678");
    await user.click(within(pending).getByRole("button", { name: "Confirm the new address" }));
    expect((await within(section).findByRole("status")).textContent).toBe(
      "Your email address is now ales@example.org. Both the old and the new address were told.",
    );
    expect(within(section).queryByTestId("email-change-pending")).toBeNull();
    expect(server.calls("POST", "/api/auth/email/confirm").map((c) => c.body)).toEqual([
      { code: "1111 1111" },
      { code: "1234 5678" },
    ]);
  });

  it("shows a pending change after a reload, and cancels it", async () => {
    const server = accountServer({
      "GET /api/auth/email/pending": {
        body: { pending: { email: "new@example.org", expires_at: "2026-03-01T11:00:00Z" } },
      },
      "DELETE /api/auth/email/pending": { body: { pending: null } },
    });
    renderApp("/account");
    const user = userEvent.setup();
    const pending = await screen.findByTestId("email-change-pending");
    expect(pending.textContent).toContain("new@example.org");
    await user.click(within(pending).getByRole("button", { name: "Cancel the change" }));
    expect(
      (await screen.findByText("The change was cancelled. Your address stays as it was.")).getAttribute("role"),
    ).toBe("status");
    expect(screen.queryByTestId("email-change-pending")).toBeNull();
    expect(server.calls("DELETE", "/api/auth/email/pending")).toHaveLength(1);
  });

  it("says when the server refuses an address", async () => {
    accountServer({
      "POST /api/auth/email": problem(422, "validation_failed", {
        errors: [{ loc: ["body", "new_email"], msg: "not a valid email address", type: "email_invalid" }],
      }),
    });
    renderApp("/account");
    const user = userEvent.setup();
    const section = await screen.findByTestId("email-section");
    await user.type(within(section).getByLabelText(/^New email address/), "ales@localhost");
    await user.click(within(section).getByRole("button", { name: "Send a confirmation code" }));
    expect((await within(section).findByRole("alert")).textContent).toBe("This is not a valid email address.");
    expect(within(section).queryByTestId("email-change-pending")).toBeNull();
  });

  it("lists sessions, ends another one, and signs out everywhere", async () => {
    const server = accountServer({
      "DELETE /api/auth/sessions/s2": { body: { status: "ok" } },
      "POST /api/auth/sessions/revoke-all": { body: { revoked: 2 } },
    });
    renderApp("/account");
    const user = userEvent.setup();
    const list = await screen.findByTestId("sessions-section");
    await within(list).findByText("Safari · iOS");
    expect(within(list).getByText("this browser")).toBeTruthy();

    await user.click(within(list).getByRole("button", { name: "Sign out this session" }));
    await waitFor(() => expect(server.calls("DELETE", "/api/auth/sessions/s2")).toHaveLength(1));

    server.route("GET /api/auth/session", problem(401, "sign_in_required"));
    await user.click(within(list).getByRole("button", { name: "Sign out everywhere" }));
    await confirmInPage(user, "Sign out of every session, this browser included?", "Sign out everywhere");
    await waitFor(() => expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Sign in"));
  });
});

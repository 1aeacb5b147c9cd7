import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { fakeServer, problem, sessionBody } from "../../test/fakeServer";
import { renderApp } from "../../test/renderApp";

const SESSIONS = {
  items: [
    { id: "s1", created_at: "2026-03-01T10:00:00Z", last_seen_at: "2026-03-01T10:05:00Z", method: "password", user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", current: true },
    { id: "s2", created_at: "2026-02-20T08:00:00Z", last_seen_at: "2026-02-21T09:00:00Z", method: "passkey", user_agent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", current: false },
  ],
};

function accountServer(extra: Parameters<typeof fakeServer>[0] = {}) {
  return fakeServer({
    "GET /api/auth/session": { body: sessionBody({ totp_enabled: true, roles: ["admin"] }) },
    "GET /api/auth/sessions": { body: SESSIONS },
    "GET /api/auth/passkeys": { body: { items: [] } },
    "GET /api/auth/recovery-codes": { body: { remaining: 7 } },
    ...extra,
  });
}

describe("account security page", () => {
  it("asks for a fresh second factor when the server wants a step-up, then retries", async () => {
    vi.stubGlobal("confirm", vi.fn(() => true));
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
    vi.stubGlobal("confirm", vi.fn(() => true));
    const server = accountServer({ "DELETE /api/auth/totp": problem(403, "step_up_required") });
    renderApp("/account");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Remove authenticator app" }));
    const dialog = await screen.findByRole("dialog");
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
      "This password would be easy to guess (for example, it is built from your name or email or a simple pattern). Add more unrelated words.",
    );
  });

  it("lists sessions, ends another one, and signs out everywhere", async () => {
    vi.stubGlobal("confirm", vi.fn(() => true));
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
    await waitFor(() => expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Sign in"));
  });
});

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeServer, problem, sessionBody } from "../test/fakeServer";
import { renderApp } from "../test/renderApp";

const menu = () => screen.getByRole("navigation", { name: "Main menu" });
const links = () =>
  within(menu())
    .getAllByRole("link")
    .map((link) => link.textContent);

describe("navigation by role", () => {
  it("offers sign-in to visitors and no account or admin pages", async () => {
    fakeServer({ "GET /api/auth/session": problem(401, "sign_in_required") });
    renderApp();
    await within(screen.getByRole("banner")).findByRole("link", { name: "Sign in" });
    expect(links()).toEqual(["Home", "Status"]);
  });

  it("shows the account page to a member, the admin area only to admins", async () => {
    fakeServer({ "GET /api/auth/session": { body: sessionBody({ roles: [] }) } });
    const { unmount } = renderApp();
    await waitFor(() => expect(links()).toEqual(["Home", "Appeals", "Account security", "Status"]));
    expect(screen.getByTestId("signed-in-user").textContent).toBe("Aleś");
    unmount();

    fakeServer({ "GET /api/auth/session": { body: sessionBody({ roles: ["admin"], totp_enabled: true }) } });
    renderApp();
    await waitFor(() => expect(links()).toEqual(["Home", "Appeals", "Account security", "Administration", "Status"]));
  });

  it("tells a member who opens the admin area that they lack the permission", async () => {
    fakeServer({ "GET /api/auth/session": { body: sessionBody({ roles: [] }) } });
    renderApp("/admin/users");
    await waitFor(() => expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("No access"));
  });

  it("lists the dev mailbox only where the server has one", async () => {
    fakeServer({
      "GET /api/auth/session": problem(401, "sign_in_required"),
      "GET /api/dev/mailbox-availability": { body: { available: true } },
    });
    const { unmount } = renderApp();
    await waitFor(() => expect(links()).toContain("Mailbox (development)"));
    unmount();

    fakeServer({
      "GET /api/auth/session": problem(401, "sign_in_required"),
      "GET /api/dev/mailbox-availability": { body: { available: false } },
    });
    renderApp();
    await within(screen.getByRole("banner")).findByRole("link", { name: "Sign in" });
    expect(links()).not.toContain("Mailbox (development)");
  });

  it("signs out from the header, forgets the session, and a new sign-in starts at home", async () => {
    let session: ReturnType<typeof sessionBody> | null = sessionBody({ csrf_token: "csrf-out" });
    const server = fakeServer({
      "GET /api/auth/session": () => (session ? { body: session } : problem(401, "sign_in_required")),
      "POST /api/auth/sign-out": () => {
        session = null;
        return { body: { status: "ok" } };
      },
      "POST /api/auth/sign-in": () => {
        session = sessionBody({ csrf_token: "csrf-in" });
        return { body: { state: "full", csrf_token: "csrf-in" } };
      },
      "GET /api/auth/sessions": { body: { items: [] } },
      "GET /api/auth/passkeys": { body: { items: [] } },
      "GET /api/auth/recovery-codes": { body: { remaining: 0 } },
    });
    renderApp("/account");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Sign out" }));
    await waitFor(() => expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Sign in"));
    expect(server.calls("POST", "/api/auth/sign-out")[0]?.headers.get("X-CSRF-Token")).toBe("csrf-out");
    expect(links()).toEqual(["Home", "Status"]);

    await user.type(screen.getByLabelText("Email"), "ales@example.org");
    await user.type(screen.getByLabelText("Password"), "my own password");
    await user.click(within(screen.getByRole("main")).getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Welcome to Accord"));
  });
});

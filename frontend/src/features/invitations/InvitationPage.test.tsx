import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeServer, problem, sessionBody } from "../../test/fakeServer";
import { current, renderApp } from "../../test/renderApp";

const TOKEN = "tok_Secret-Invitation_123";
const PREVIEW = {
  organization_name: "Viasna Legal",
  role: "member",
  platform_role: null,
  email: "invitee@example.org",
  expires_at: "2026-04-01T12:00:00Z",
  account_exists: false,
};

describe("invitation page", () => {
  it("reads the token from the hash, clears the hash, and sends the token only in bodies", async () => {
    let session: ReturnType<typeof sessionBody> | null = null;
    const server = fakeServer({
      "GET /api/auth/session": () => (session ? { body: session } : problem(401, "sign_in_required")),
      "POST /api/invitations/lookup": { body: PREVIEW },
      "POST /api/invitations/accept": () => {
        session = sessionBody({ state: "full", csrf_token: "csrf-new" });
        return { body: { state: "full", csrf_token: "csrf-new" } };
      },
    });
    renderApp(`/invitation#${TOKEN}`);

    expect((await screen.findByTestId("invitation-offer")).textContent).toContain(
      "You are invited to join Viasna Legal as Member.",
    );
    expect(current.location?.hash).toBe("");
    expect(current.location?.pathname).toBe("/invitation");

    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Your name"), "Hanna");
    await user.type(screen.getByLabelText("New password"), "lilac river stone window");
    await user.type(screen.getByLabelText("Repeat the new password"), "lilac river stone window");
    await user.selectOptions(screen.getByLabelText("Your language (for this site and emails)"), "be");
    await user.click(screen.getByRole("button", { name: "Create account and accept" }));

    await waitFor(() => expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Welcome to Accord"));
    expect(server.calls("POST", "/api/invitations/lookup")[0]?.body).toEqual({ token: TOKEN });
    expect(server.calls("POST", "/api/invitations/accept")[0]?.body).toEqual({
      token: TOKEN,
      display_name: "Hanna",
      password: "lilac river stone window",
      language: "be",
    });
    for (const request of server.seen) expect(request.url).not.toContain(TOKEN);
    expect(JSON.stringify(Object.entries(window.localStorage))).not.toContain(TOKEN);
    expect(JSON.stringify(Object.entries(window.sessionStorage))).not.toContain(TOKEN);
  });

  it("checks the two passwords before sending anything", async () => {
    const server = fakeServer({
      "GET /api/auth/session": problem(401, "sign_in_required"),
      "POST /api/invitations/lookup": { body: PREVIEW },
    });
    renderApp(`/invitation#${TOKEN}`);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Your name"), "Hanna");
    await user.type(screen.getByLabelText("New password"), "lilac river stone window");
    await user.type(screen.getByLabelText("Repeat the new password"), "lilac river stone widow");
    await user.click(screen.getByRole("button", { name: "Create account and accept" }));
    expect((await screen.findByRole("alert")).textContent).toBe("The two new passwords are not the same.");
    expect(server.calls("POST", "/api/invitations/accept")).toHaveLength(0);
  });

  it("says the link is no longer valid, in the user's words", async () => {
    fakeServer({
      "GET /api/auth/session": problem(401, "sign_in_required"),
      "POST /api/invitations/lookup": problem(404, "invitation_invalid"),
    });
    renderApp(`/invitation#${TOKEN}`);
    expect((await screen.findByRole("alert")).textContent).toContain("This invitation link is not valid any more.");
  });

  it("asks for the link when the page is opened without one", async () => {
    const server = fakeServer({ "GET /api/auth/session": problem(401, "sign_in_required") });
    renderApp("/invitation");
    expect((await screen.findByRole("alert")).textContent).toContain("needs the link from your invitation email");
    expect(server.calls("POST", "/api/invitations/lookup")).toHaveLength(0);
  });

  it("keeps the token through sign-in when the account already exists", async () => {
    let session: ReturnType<typeof sessionBody> | null = null;
    const server = fakeServer({
      "GET /api/auth/session": () => (session ? { body: session } : problem(401, "sign_in_required")),
      "POST /api/invitations/lookup": { body: { ...PREVIEW, account_exists: true, email: "ales@example.org" } },
      "POST /api/auth/sign-in": () => {
        session = sessionBody({ csrf_token: "csrf-in" });
        return { body: { state: "full", csrf_token: "csrf-in" } };
      },
      "POST /api/invitations/accept": { body: { state: "full", csrf_token: "csrf-in" } },
    });
    renderApp(`/invitation#${TOKEN}`);
    const user = userEvent.setup();
    await screen.findByText(/already exists/);
    await user.click(within(screen.getByRole("main")).getByRole("link", { name: "Sign in" }));
    await user.type(await screen.findByLabelText("Email"), "ales@example.org");
    await user.type(screen.getByLabelText("Password"), "my own password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    await user.click(await screen.findByRole("button", { name: "Accept invitation" }));
    await waitFor(() => expect(server.calls("POST", "/api/invitations/accept")).toHaveLength(1));
    expect(server.calls("POST", "/api/invitations/accept")[0]?.body).toEqual({ token: TOKEN });
  });

  it("keeps the invitation through a reload, and reads a link pasted into the same tab", async () => {
    const OTHER = "tok_Other-Invitation_456";
    const server = fakeServer({
      "GET /api/auth/session": problem(401, "sign_in_required"),
      "POST /api/invitations/lookup": ({ body }) =>
        (body as { token: string }).token === OTHER
          ? { body: { ...PREVIEW, organization_name: "Belarusian Helsinki Committee" } }
          : { body: PREVIEW },
    });
    const first = renderApp(`/invitation#${TOKEN}`);
    await screen.findByTestId("invitation-offer");
    first.unmount(); // the reload: nothing in memory survives but this tab's storage

    renderApp("/invitation");
    expect((await screen.findByTestId("invitation-offer")).textContent).toContain("Viasna Legal");

    await act(async () => {
      await current.navigate?.(`/invitation#${OTHER}`);
    });
    await waitFor(() =>
      expect(screen.getByTestId("invitation-offer").textContent).toContain("Belarusian Helsinki Committee"),
    );
    expect(current.location?.hash).toBe("");
    expect(server.calls("POST", "/api/invitations/lookup").map((call) => call.body)).toContainEqual({ token: OTHER });
  });

  it("brings an existing account back to the invitation after signing in", async () => {
    let session: ReturnType<typeof sessionBody> | null = null;
    fakeServer({
      "GET /api/auth/session": () => (session ? { body: session } : problem(401, "sign_in_required")),
      "POST /api/invitations/lookup": { body: { ...PREVIEW, account_exists: true, email: "ales@example.org" } },
    });
    const opened = renderApp(`/invitation#${TOKEN}`); // signed out: "sign in first"
    await screen.findByText(/already exists/);
    opened.unmount();

    session = sessionBody({ state: "full" }); // signed in; the steps ended at home
    const back = renderApp("/");
    expect(await screen.findByRole("button", { name: "Accept invitation" })).toBeTruthy();
    expect(current.location?.pathname).toBe("/invitation");
    back.unmount();

    // Once: an invitation not accepted (another account's, say) never keeps them from home.
    renderApp("/");
    expect(await screen.findByTestId("welcome")).toBeTruthy();
    expect(current.location?.pathname).toBe("/");
  });

  it("lets a person who saw the invitation signed in go home without being sent back", async () => {
    fakeServer({
      "GET /api/auth/session": { body: sessionBody({ state: "full" }) },
      "POST /api/invitations/lookup": { body: { ...PREVIEW, account_exists: true, email: "ales@example.org" } },
    });
    const opened = renderApp(`/invitation#${TOKEN}`);
    expect(await screen.findByRole("button", { name: "Accept invitation" })).toBeTruthy();
    opened.unmount();

    renderApp("/"); // they chose home instead: their home, with the invitation listed there
    expect(await screen.findByTestId("welcome")).toBeTruthy();
    expect(current.location?.pathname).toBe("/");
  });

  it("forgets a link that no longer works", async () => {
    fakeServer({
      "GET /api/auth/session": { body: sessionBody({ state: "full" }) },
      "POST /api/invitations/lookup": problem(404, "invitation_invalid"),
    });
    const opened = renderApp(`/invitation#${TOKEN}`);
    await screen.findByRole("alert");
    await waitFor(() => expect(window.sessionStorage.length).toBe(0));
    opened.unmount();
    renderApp("/");
    expect(await screen.findByTestId("welcome")).toBeTruthy();
  });
});

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { setLanguage } from "../../i18n";
import { fakeServer, problem, sessionBody } from "../../test/fakeServer";
import { confirmInPage } from "../../test/confirmInPage";
import { renderApp } from "../../test/renderApp";

const PERSON = {
  id: "0190b7a0-0000-7000-8000-0000000000b1",
  email: "ales@example.org",
  display_name: "Ales",
  status: "active",
  platform_roles: [],
  memberships: [],
  sso_linked: true,
  created_at: "2026-03-01T10:00:00Z",
};
const UNLINK = `/api/users/${PERSON.id}/sso-identity`;

function usersServer() {
  const person = { ...PERSON };
  return fakeServer({
    "GET /api/auth/session": { body: sessionBody({ roles: ["admin"], totp_enabled: true, csrf_token: "csrf-admin" }) },
    "GET /api/users": () => ({ body: { items: [{ ...person }], next_cursor: null } }),
    [`DELETE ${UNLINK}`]: () => {
      person.sso_linked = false;
      return { body: { ...person } };
    },
  });
}

describe("unlinking a user's single sign-on", () => {
  it("asks in the page, not with window.confirm, and can be cancelled", async () => {
    const confirm = vi.spyOn(window, "confirm");
    const server = usersServer();
    renderApp("/admin/users");
    const user = userEvent.setup();
    const row = await screen.findByTestId("user-row");
    expect(within(row).getByText(/Single sign-on linked/)).toBeTruthy();

    const unlink = within(row).getByRole("button", { name: "Unlink single sign-on for Ales" });
    await user.click(unlink);
    const question = within(row).getByRole("group", { name: /Unlink Ales from their single sign-on account\?/ });
    const confirmButton = within(question).getByRole("button", { name: "Unlink" });
    expect(document.activeElement).toBe(confirmButton);

    await user.click(within(question).getByRole("button", { name: "Cancel" }));
    expect(within(row).queryByRole("group")).toBeNull();
    expect(document.activeElement).toBe(within(row).getByRole("button", { name: "Unlink single sign-on for Ales" }));
    expect(server.calls("DELETE", UNLINK)).toHaveLength(0);
    expect(confirm).not.toHaveBeenCalled();
  });

  it("unlinks after the confirmation and says so", async () => {
    const confirm = vi.spyOn(window, "confirm");
    const server = usersServer();
    renderApp("/admin/users");
    const user = userEvent.setup();
    const row = await screen.findByTestId("user-row");
    await user.click(within(row).getByRole("button", { name: "Unlink single sign-on for Ales" }));
    await user.click(within(row).getByRole("button", { name: "Unlink" }));

    expect((await within(row).findByRole("status")).textContent).toBe("Single sign-on unlinked for Ales.");
    const calls = server.calls("DELETE", UNLINK);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.headers.get("X-CSRF-Token")).toBe("csrf-admin");
    // Reloaded: nothing left to unlink.
    await waitFor(() => expect(within(row).queryByRole("button", { name: /Unlink single sign-on/ })).toBeNull());
    expect(within(row).queryByText(/Single sign-on linked/)).toBeNull();
    expect(confirm).not.toHaveBeenCalled();
  });

  it("is offered in the user's language", async () => {
    usersServer();
    await setLanguage("ru");
    renderApp("/admin/users");
    const user = userEvent.setup();
    const row = await screen.findByTestId("user-row");
    await user.click(within(row).getByRole("button", { name: "Отвязать единый вход для Ales" }));
    expect(within(row).getByRole("group", { name: /Отвязать Ales от аккаунта единого входа\?/ })).toBeTruthy();
    await user.click(within(row).getByRole("button", { name: "Отвязать" }));
    expect((await within(row).findByRole("status")).textContent).toBe("Единый вход для Ales отвязан.");
  });

  it("shows the server's refusal translated, never its text", async () => {
    const server = usersServer();
    server.route(`DELETE ${UNLINK}`, problem(404, "not_found"));
    renderApp("/admin/users");
    const user = userEvent.setup();
    const row = await screen.findByTestId("user-row");
    await user.click(within(row).getByRole("button", { name: "Unlink single sign-on for Ales" }));
    await user.click(within(row).getByRole("button", { name: "Unlink" }));
    const alert = await within(row).findByRole("alert");
    expect(alert.textContent).not.toContain("SERVER TEXT");
    expect(within(row).queryByRole("status")).toBeNull();
  });
});

describe("changes to another admin", () => {
  const ADMIN = {
    ...PERSON,
    id: "0190b7a0-0000-7000-8000-0000000000c2",
    display_name: "Nasta",
    platform_roles: ["admin"],
    sso_linked: false,
  };
  const REQUESTS = "/api/admin-requests";

  function adminServer() {
    return fakeServer({
      "GET /api/auth/session": {
        body: sessionBody({ roles: ["admin"], totp_enabled: true, csrf_token: "csrf-admin" }),
      },
      "GET /api/users": () => ({ body: { items: [{ ...ADMIN }], next_cursor: null } }),
      [`POST ${REQUESTS}`]: () => ({
        status: 201,
        body: {
          id: "r1",
          kind: "suspend",
          user_id: ADMIN.id,
          requested_by: null,
          decided_by: null,
          status: "pending",
          created_at: "2026-03-01T10:00:00Z",
          decided_at: null,
        },
      }),
    });
  }

  it("asks a second admin to suspend them instead of suspending directly", async () => {
    const server = adminServer();
    renderApp("/admin/users");
    const user = userEvent.setup();
    const row = await screen.findByTestId("user-row");
    expect(within(row).queryByRole("button", { name: "Suspend Nasta" })).toBeNull();
    await user.click(within(row).getByRole("button", { name: "Request suspension of Nasta" }));
    await confirmInPage(user, "Ask to suspend Nasta? Another admin must approve.", "Request suspension");

    expect((await within(row).findByRole("status")).textContent).toBe(
      "Suspension of Nasta requested; another admin must approve.",
    );
    expect(server.calls("POST", REQUESTS).map((call) => call.body)).toEqual([{ user_id: ADMIN.id, kind: "suspend" }]);
    expect(server.calls("POST", `/api/users/${ADMIN.id}/suspend`)).toHaveLength(0);
  });

  it("asks a second admin to take admin rights away", async () => {
    const server = adminServer();
    renderApp("/admin/users");
    const user = userEvent.setup();
    const row = await screen.findByTestId("user-row");
    await user.click(within(row).getByRole("button", { name: "Request removal of admin rights from Nasta" }));
    await confirmInPage(user, /^Ask to take admin rights away from Nasta\?/, "Request removal of admin rights");
    await within(row).findByRole("status");
    expect(server.calls("POST", REQUESTS).map((call) => call.body)).toEqual([{ user_id: ADMIN.id, kind: "revoke" }]);
  });
});

describe("finding people", () => {
  const ORG = "0190b7a0-0000-7000-8000-00000000a001";
  const people = [
    {
      ...PERSON,
      id: "0190b7a0-0000-7000-8000-0000000000d1",
      display_name: "Ales Bialiacki",
      email: "ales@example.org",
      second_factor: true,
      last_active_at: new Date(2026, 2, 1, 10, 5).toISOString(),
    },
    {
      ...PERSON,
      id: "0190b7a0-0000-7000-8000-0000000000d2",
      display_name: "Nasta Łoika",
      email: "nasta@example.org",
      status: "suspended",
      memberships: [{ id: "m1", organization_id: ORG, role: "representative" }],
    },
    {
      ...PERSON,
      id: "0190b7a0-0000-7000-8000-0000000000d3",
      display_name: "Maryna",
      email: "maryna@example.org",
      platform_roles: ["coordinator"],
    },
  ];

  function peopleServer() {
    return fakeServer({
      "GET /api/auth/session": { body: sessionBody({ roles: ["admin"], totp_enabled: true }) },
      "GET /api/users": { body: { items: people, next_cursor: null } },
      "GET /api/organizations": {
        body: {
          items: [
            {
              id: ORG,
              name: "Viasna",
              short_name: "V",
              country: null,
              description: null,
              contact: null,
              created_at: "2026-03-01T10:00:00Z",
              updated_at: null,
            },
          ],
          next_cursor: null,
        },
      },
    });
  }

  it("searches names and emails as people type them, and filters by status or role", async () => {
    peopleServer();
    renderApp("/admin/users");
    const user = userEvent.setup();
    await waitFor(() => expect(screen.getAllByTestId("user-row")).toHaveLength(3));
    // Accents and capitals do not count.
    await user.type(screen.getByLabelText("Search"), "LOIKA");
    expect(screen.getAllByTestId("user-row").map((row) => row.textContent)).toEqual([
      expect.stringContaining("Nasta Łoika"),
    ]);
    expect(screen.getByTestId("list-count").textContent).toBe("Showing 1 of 3");
    // The organization behind the membership, by name.
    expect(screen.getByTestId("user-row").textContent).toContain("Representative of Viasna");

    await user.clear(screen.getByLabelText("Search"));
    await user.type(screen.getByLabelText("Search"), "bialiacki");
    expect(screen.getByTestId("user-security").textContent).toBe(
      "Second factor: set up · last active Mar 1, 2026, 10:05",
    );
    await user.clear(screen.getByLabelText("Search"));
    await user.selectOptions(screen.getByLabelText("Show"), "coordinator");
    expect(screen.getAllByTestId("user-row").map((row) => row.textContent)).toEqual([
      expect.stringContaining("Maryna"),
    ]);
    await user.selectOptions(screen.getByLabelText("Show"), "suspended");
    expect(screen.getByTestId("list-count").textContent).toBe("Showing 1 of 3");
  });
});

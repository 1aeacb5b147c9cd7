import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { setLanguage } from "../../i18n";
import { fakeServer, sessionBody } from "../../test/fakeServer";
import { renderApp } from "../../test/renderApp";

const ORG = {
  id: "0190b7a0-0000-7000-8000-00000000a001",
  name: "Forum of the Free",
  short_name: "FF",
  country: "LT",
  description: "Exiled organizations campaigning for political prisoners.",
  contact: null,
  created_at: "2026-03-01T10:00:00Z",
  updated_at: null,
};
const MEMBER = {
  id: "0190b7a0-0000-7000-8000-00000000e001",
  user_id: "0190b7a0-0000-7000-8000-00000000b001",
  organization_id: ORG.id,
  display_name: "Alina",
  email: "alina@example.org",
  role: "member",
  user_status: "active",
  created_at: "2026-03-01T10:00:00Z",
};

function server(role: "member" | "representative" | null, platformRoles: string[] = []) {
  const memberships = role ? [{ organization_id: ORG.id, role }] : [];
  return fakeServer({
    "GET /api/auth/session": { body: { ...sessionBody({ roles: platformRoles }), memberships } },
    "GET /api/organizations": { body: { items: [ORG], next_cursor: null } },
    [`GET /api/organizations/${ORG.id}`]: { body: ORG, headers: { ETag: '"1"' } },
    [`GET /api/organizations/${ORG.id}/members`]: { body: { items: [MEMBER], next_cursor: null } },
    [`GET /api/organizations/${ORG.id}/colleagues`]: {
      body: {
        items: [
          { display_name: "Yury", role: "representative" },
          { display_name: "Alina", role: "member" },
        ],
        next_cursor: null,
      },
    },
  });
}

describe("a home for every signed-in person", () => {
  it("shows a member their organization and role, and its profile without the member list", async () => {
    const calls = server("member");
    renderApp("/");
    const section = await screen.findByTestId("your-organizations");
    expect(within(section).getByRole("heading").textContent).toBe("Your organizations");
    await within(section).findByText("Your role: Member");

    await userEvent.setup().click(within(section).getByRole("link", { name: "Forum of the Free" }));
    await waitFor(() => expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Forum of the Free"));
    expect(screen.getByText("Exiled organizations campaigning for political prisoners.")).toBeTruthy();
    expect(screen.queryByTestId("members-table")).toBeNull();
    expect(calls.calls("GET", `/api/organizations/${ORG.id}/members`)).toHaveLength(0);
    // Fellow members by name and role, sorted by name; no addresses.
    const people = await screen.findByTestId("colleagues");
    expect(within(people).getByRole("heading").textContent).toBe("People in this organization");
    await waitFor(() =>
      expect(
        within(people)
          .getAllByRole("listitem")
          .map((item) => item.textContent),
      ).toEqual(["Alina · Member", "Yury · Representative"]),
    );
    expect(people.textContent).not.toContain("@");
  });

  it("lets a representative read the members, in Russian, without changing anything", async () => {
    await setLanguage("ru");
    server("representative");
    renderApp(`/organizations/${ORG.id}`);
    const table = await screen.findByTestId("members-table");
    await within(table).findByText("Alina");
    expect(within(table).queryByRole("combobox")).toBeNull();
    expect(within(table).queryByRole("button")).toBeNull();
    expect(screen.getByText("Ваша роль")).toBeTruthy();
  });

  it("lists invitations waiting for the person, saying where to accept them", async () => {
    fakeServer({
      "GET /api/auth/session": { body: sessionBody() },
      "GET /api/organizations": { body: { items: [], next_cursor: null } },
      "GET /api/invitations/mine": {
        body: {
          items: [
            {
              id: "0190b7a0-0000-7000-8000-00000000f001",
              organization_name: "Forum of the Free",
              role: "representative",
              platform_role: null,
              expires_at: "2026-04-01T12:00:00Z",
            },
          ],
        },
      },
    });
    renderApp("/");
    const section = await screen.findByTestId("your-invitations");
    expect(section.textContent).toContain("You are invited to join Forum of the Free as Representative.");
    expect(section.textContent).toContain("To accept, open the link in the invitation email.");
  });

  it("shows a coordinator the coalition's organizations instead of “no access”", async () => {
    server(null, ["coordinator"]);
    renderApp("/");
    const section = await screen.findByTestId("your-organizations");
    expect(within(section).getByRole("heading").textContent).toBe("Organizations of the coalition");
    expect(await within(section).findByRole("link", { name: "Forum of the Free" })).toBeTruthy();
  });
});

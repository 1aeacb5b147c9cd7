import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeServer, problem, sessionBody } from "../test/fakeServer";
import { renderApp } from "../test/renderApp";

const ORG = {
  id: "0190b7a0-0000-7000-8000-0000000000aa",
  name: "Human Rights Centre",
  short_name: "HRC",
  country: "LT",
  description: null,
  contact: null,
  created_at: "2026-03-01T10:00:00Z",
  updated_at: null,
};

function adminServer(extra: Parameters<typeof fakeServer>[0] = {}) {
  return fakeServer({
    "GET /api/auth/session": { body: sessionBody({ roles: ["admin"], totp_enabled: true, csrf_token: "csrf-admin" }) },
    ...extra,
  });
}

describe("administration", () => {
  it("creates an organization with a country from the list", async () => {
    const organizations = [ORG];
    const server = adminServer({
      "GET /api/organizations": () => ({ body: { items: organizations, next_cursor: null } }),
      "POST /api/organizations": (seen) => {
        const created = { ...ORG, ...(seen.body as object), id: "new" };
        organizations.push(created);
        return { status: 201, body: created };
      },
    });
    renderApp("/admin");
    const user = userEvent.setup();
    const table = await screen.findByTestId("organizations-table");
    expect(within(table).getByText("Lithuania")).toBeTruthy();

    await user.type(screen.getByLabelText("Name"), "Belarusian Association of Journalists");
    await user.type(screen.getByLabelText("Short name"), "BAJ");
    await user.selectOptions(screen.getByLabelText("Country"), "BY");
    await user.click(screen.getByRole("button", { name: "Create organization" }));

    expect((await screen.findByRole("status")).textContent).toBe(
      "Organization “Belarusian Association of Journalists” created.",
    );
    const created = server.calls("POST", "/api/organizations")[0];
    expect(created?.body).toEqual({
      name: "Belarusian Association of Journalists",
      short_name: "BAJ",
      country: "BY",
      description: null,
      contact: null,
    });
    expect(created?.headers.get("X-CSRF-Token")).toBe("csrf-admin");
    await waitFor(() => expect(within(screen.getByTestId("organizations-table")).getByText("BAJ")).toBeTruthy());
  });

  it("edits an organization with If-Match and reports a conflicting edit", async () => {
    const server = adminServer({
      [`GET /api/organizations/${ORG.id}`]: { body: ORG, headers: { ETag: '"v1"' } },
      [`GET /api/organizations/${ORG.id}/members`]: { body: { items: [], next_cursor: null } },
      [`PATCH /api/organizations/${ORG.id}`]: problem(412, "version_mismatch"),
    });
    renderApp(`/admin/organizations/${ORG.id}`);
    const user = userEvent.setup();
    const name = await screen.findByLabelText("Name");
    await user.clear(name);
    await user.type(name, "HRC Viasna");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Someone else changed this meanwhile.");
    expect(server.calls("PATCH", `/api/organizations/${ORG.id}`)[0]?.headers.get("If-Match")).toBe('"v1"');
  });

  it("invites a person and shows the invitation's status", async () => {
    const invitations: unknown[] = [];
    const server = adminServer({
      "GET /api/organizations": { body: { items: [ORG], next_cursor: null } },
      "GET /api/invitations": () => ({ body: { items: invitations, next_cursor: null } }),
      "POST /api/invitations": (seen) => {
        const body = seen.body as { email: string };
        const invitation = {
          id: "i1",
          ...body,
          platform_role: null,
          status: "pending",
          invited_by: null,
          created_at: "2026-03-01T10:00:00Z",
          expires_at: "2026-03-08T10:00:00Z",
          accepted_at: null,
          revoked_at: null,
          sent_count: 1,
        };
        invitations.push(invitation);
        return { status: 201, body: invitation };
      },
    });
    renderApp("/admin/invitations");
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Email"), "hanna@example.org");
    await user.selectOptions(screen.getByLabelText("Role"), "representative");
    await user.click(screen.getByRole("button", { name: "Send invitation" }));
    expect((await screen.findByRole("status")).textContent).toBe("Invitation sent to hanna@example.org.");
    expect(server.calls("POST", "/api/invitations")[0]?.body).toEqual({
      email: "hanna@example.org",
      organization_id: ORG.id,
      role: "representative",
      language: "en",
    });
    const row = await screen.findByTestId("invitations-table");
    expect(within(row).getByText("Pending")).toBeTruthy();
    expect(within(row).getByRole("button", { name: "Revoke the invitation for hanna@example.org" })).toBeTruthy();
  });
});

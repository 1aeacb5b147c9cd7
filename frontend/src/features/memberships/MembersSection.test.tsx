import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { setLanguage } from "../../i18n";
import { confirmInPage } from "../../test/confirmInPage";
import { fakeServer, sessionBody } from "../../test/fakeServer";
import { renderApp } from "../../test/renderApp";

const ORG = "0190b7a0-0000-7000-8000-00000000a001";
const MEMBER = {
  id: "0190b7a0-0000-7000-8000-00000000e001",
  user_id: "0190b7a0-0000-7000-8000-00000000b001",
  organization_id: ORG,
  display_name: "Alina",
  email: "alina@example.org",
  role: "member",
  user_status: "active",
  created_at: "2026-03-01T10:00:00Z",
};

function organizationServer() {
  const member = { ...MEMBER };
  return fakeServer({
    "GET /api/auth/session": { body: sessionBody({ roles: ["admin"], totp_enabled: true }) },
    [`GET /api/organizations/${ORG}`]: {
      body: {
        id: ORG,
        name: "Forum of the Free",
        short_name: "FF",
        country: null,
        description: null,
        contact: null,
        created_at: "2026-03-01T10:00:00Z",
        updated_at: null,
      },
      headers: { ETag: '"1"' },
    },
    [`GET /api/organizations/${ORG}/members`]: () => ({ body: { items: [{ ...member }], next_cursor: null } }),
    [`PATCH /api/memberships/${MEMBER.id}`]: ({ body }) => {
      member.role = (body as { role: string }).role;
      return { body: { ...member } };
    },
  });
}

afterEach(async () => {
  await setLanguage("en");
});

describe("changing a member's role", () => {
  it("asks first, says the member will be signed out, and keeps the role when cancelled", async () => {
    const server = organizationServer();
    renderApp(`/admin/organizations/${ORG}`);
    const user = userEvent.setup();
    const table = await screen.findByTestId("members-table");
    const role = await within(table).findByLabelText("Role of Alina");
    await user.selectOptions(role, "representative");

    const dialog = await screen.findByRole("dialog", { name: "Change the role of Alina to “Representative”?" });
    expect(dialog.textContent).toContain("Alina will be signed out and must sign in again.");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect((role as HTMLSelectElement).value).toBe("member");
    expect(server.calls("PATCH", `/api/memberships/${MEMBER.id}`)).toHaveLength(0);
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("says what happened once confirmed, in Belarusian too", async () => {
    await setLanguage("be");
    const server = organizationServer();
    renderApp(`/admin/organizations/${ORG}`);
    const user = userEvent.setup();
    const table = await screen.findByTestId("members-table");
    await user.selectOptions(await within(table).findByLabelText("Роля: Alina"), "representative");
    await confirmInPage(user, "Змяніць ролю Alina на «Прадстаўнік»?", "Змяніць ролю");

    expect((await screen.findByRole("status")).textContent).toBe("Цяпер Alina — «Прадстаўнік»; сеансы завершаны.");
    expect(server.calls("PATCH", `/api/memberships/${MEMBER.id}`).map((call) => call.body)).toEqual([
      { role: "representative" },
    ]);
  });
});

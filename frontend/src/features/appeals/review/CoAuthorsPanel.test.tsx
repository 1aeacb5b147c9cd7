import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { confirmInPage } from "../../../test/confirmInPage";
import { fakeServer, problem, type Answer } from "../../../test/fakeServer";
import type { Appeal } from "../api";
import { CoAuthorsPanel } from "./CoAuthorsPanel";
import {
  ALINA,
  appealBody,
  appealPath,
  CO_ID,
  expectAccessible,
  HEAD_SHA,
  INVITED_ID,
  LEAD_ID,
  PAVEL,
  renderPanel,
} from "./testkit";

const OTHER_ID = "0190b7a0-0000-7000-8000-00000000a004";
const DECLINED_ID = "0190b7a0-0000-7000-8000-00000000a005";

const member = (userId: string, name: string, status = "active") => ({
  id: `${userId.slice(0, -3)}e${userId.slice(-2)}`,
  user_id: userId,
  organization_id: LEAD_ID,
  display_name: name,
  email: `${name.toLowerCase()}@example.org`,
  role: "member",
  user_status: status,
  created_at: "2026-03-01T10:00:00Z",
});

function server(appeal: Appeal, routes: Record<string, Answer | (() => Answer)> = {}) {
  const state = { appeal };
  const calls = fakeServer({
    [`GET ${appealPath}`]: () => ({ body: state.appeal }),
    // The server lists only organizations not invited or writing already.
    [`GET ${appealPath}/co-author-candidates`]: {
      body: {
        items: [
          { id: OTHER_ID, name: "Belarusian Diaspora Council" },
          { id: DECLINED_ID, name: "Press Club" },
        ],
      },
    },
    [`GET /api/organizations/${LEAD_ID}/members`]: {
      body: { items: [member(ALINA.id, "Alina"), member(PAVEL.id, "Pavel", "suspended")], next_cursor: null },
    },
    ...routes,
  });
  return {
    ...calls,
    /** What the next GET of the appeal answers (as after the change the test makes). */
    next: (changes: Partial<Appeal>) => {
      state.appeal = { ...state.appeal, ...changes };
    },
  };
}

describe("co-authors and approvals", () => {
  it("lists the organizations with their role, status and approval of the current revision", async () => {
    server(
      appealBody({
        participants: [
          ...appealBody().participants,
          {
            organization_id: INVITED_ID,
            name: "Human Rights House",
            role: "co_author",
            status: "invited",
            approved: false,
          },
        ],
      }),
    );
    const { container } = renderPanel(CoAuthorsPanel);
    const table = await screen.findByTestId("participants-table");
    const rows = within(table).getAllByRole("row");
    expect(rows.map((row) => Array.from(row.children).map((cell) => cell.textContent))).toEqual([
      ["Organization", "Role", "Status", "Approved revision 3"],
      ["Forum of the Free", "Lead", "Accepted", "✓ Approved"],
      ["Viasna Abroad", "Co-author", "Accepted", "Not yet"],
      ["Human Rights House", "Co-author", "Invited", "Not yet"],
    ]);
    await screen.findByLabelText("Organization");
    await expectAccessible(container);
  });

  it("approves exactly the head hash, after saying which revision and hash", async () => {
    const calls = server(appealBody({ approve_for: [CO_ID], rights: ["read", "comment"] }), {
      [`POST ${appealPath}/approvals`]: { body: appealBody() },
    });
    renderPanel(CoAuthorsPanel);
    const user = userEvent.setup();
    const section = await screen.findByTestId("approval-section");
    expect(within(section).getByTestId("short-hash").textContent).toBe(HEAD_SHA.slice(0, 12));
    expect(section.querySelector("details")?.textContent).toContain(HEAD_SHA);
    expect(section.textContent).toContain("Any new revision resets every approval");

    await user.click(within(section).getByRole("button", { name: "Approve revision 3 for Viasna Abroad" }));
    const dialog = await screen.findByRole("dialog", { name: "Approve revision 3 for Viasna Abroad?" });
    expect(dialog.textContent).toContain(`exactly revision 3, whose SHA-256 hash is ${HEAD_SHA}`);
    calls.next({
      participants: appealBody().participants.map((p) => ({ ...p, approved: true })),
      state: "approved",
    });
    await confirmInPage(user, "Approve revision 3 for Viasna Abroad?", "Approve revision 3");

    expect((await screen.findByRole("status")).textContent).toBe("Viasna Abroad approved revision 3.");
    expect(calls.calls("POST", `${appealPath}/approvals`).map((c) => c.body)).toEqual([
      { organization_id: CO_ID, sha256: HEAD_SHA },
    ]);
    // The header is read again: the appeal moved on to "approved".
    await waitFor(() => expect(screen.getByText("Approvals are given while the appeal is in review.")).toBeTruthy());
    expect(screen.queryByRole("button", { name: /Approve revision/ })).toBeNull();
  });

  it("says when the revision changed meanwhile, and shows the new one", async () => {
    const calls = server(appealBody({ approve_for: [CO_ID] }), {
      [`POST ${appealPath}/approvals`]: problem(409, "approval_not_current"),
    });
    renderPanel(CoAuthorsPanel);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Approve revision 3 for Viasna Abroad" }));
    calls.next({ head_number: 4, head_sha256: "b".repeat(64) });
    await confirmInPage(user, /Approve revision 3/, "Approve revision 3");

    expect((await screen.findByRole("alert")).textContent).toContain("That is no longer the current revision");
    expect(await screen.findByRole("button", { name: "Approve revision 4 for Viasna Abroad" })).toBeTruthy();
  });

  it("invites an organization not yet taking part, after confirming", async () => {
    const calls = server(
      appealBody({
        participants: [
          ...appealBody().participants,
          { organization_id: DECLINED_ID, name: "Press Club", role: "co_author", status: "declined", approved: false },
        ],
      }),
      { [`POST ${appealPath}/co-authors`]: { status: 201, body: appealBody() } },
    );
    renderPanel(CoAuthorsPanel);
    const user = userEvent.setup();
    const select = await screen.findByLabelText("Organization");
    await waitFor(() => expect(within(select).getAllByRole("option")).toHaveLength(3));
    expect(
      within(select)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Choose an organization", "Belarusian Diaspora Council", "Press Club"]);

    await user.selectOptions(select, OTHER_ID);
    await user.click(screen.getByRole("button", { name: "Invite" }));
    const dialog = await screen.findByRole("dialog", { name: "Invite Belarusian Diaspora Council to co-author?" });
    expect(dialog.textContent).toContain("can read this appeal to decide");
    await confirmInPage(user, /Invite Belarusian/, "Invite");

    expect((await screen.findByRole("status")).textContent).toBe(
      "Belarusian Diaspora Council is invited; its representatives were told by email.",
    );
    expect(calls.calls("POST", `${appealPath}/co-authors`).map((c) => c.body)).toEqual([{ organization_id: OTHER_ID }]);
  });

  it("lets a representative of an invited organization accept, and a co-author leave after confirming", async () => {
    const participants = [
      ...appealBody().participants,
      {
        organization_id: INVITED_ID,
        name: "Human Rights House",
        role: "co_author" as const,
        status: "invited" as const,
        approved: false,
      },
    ];
    const calls = server(appealBody({ participants, rights: ["read"], decide_for: [INVITED_ID, CO_ID] }), {
      [`POST ${appealPath}/co-authors/${INVITED_ID}/decision`]: { body: appealBody() },
      [`POST ${appealPath}/co-authors/${CO_ID}/decision`]: { body: appealBody() },
    });
    renderPanel(CoAuthorsPanel);
    const user = userEvent.setup();
    expect(screen.queryByLabelText("Organization")).toBeNull(); // no invitations without "manage"

    await user.click(await screen.findByRole("button", { name: "Accept for Human Rights House" }));
    expect((await screen.findByRole("status")).textContent).toBe("Human Rights House now co-authors this appeal.");
    expect(calls.calls("POST", `${appealPath}/co-authors/${INVITED_ID}/decision`).map((c) => c.body)).toEqual([
      { decision: "accept" },
    ]);

    await user.click(screen.getByRole("button", { name: "Leave the appeal (Viasna Abroad)" }));
    const dialog = await screen.findByRole("dialog", { name: "Leave this appeal for Viasna Abroad?" });
    expect(dialog.textContent).toContain("its members lose access");
    await confirmInPage(user, /Leave this appeal/, "Leave");
    expect((await screen.findByRole("status")).textContent).toBe("Viasna Abroad left this appeal.");
    expect(calls.calls("POST", `${appealPath}/co-authors/${CO_ID}/decision`).map((c) => c.body)).toEqual([
      { decision: "leave" },
    ]);
    expect(calls.calls("GET", appealPath).length).toBeGreaterThanOrEqual(3);
  });

  it("names editors from the lead's active members, and removes one after confirming", async () => {
    const calls = server(appealBody({ editors: [PAVEL] }), {
      [`POST ${appealPath}/editors`]: { status: 201, body: appealBody() },
      [`DELETE ${appealPath}/editors/${PAVEL.id}`]: { body: appealBody() },
    });
    renderPanel(CoAuthorsPanel);
    const user = userEvent.setup();
    const editors = await screen.findByTestId("editors-section");
    const person = await within(editors).findByLabelText("Name an editor from the lead organization");
    // Pavel already edits (and is suspended): only Alina is offered.
    expect(
      within(person)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Choose a person", "Alina (alina@example.org)"]);
    await user.selectOptions(person, ALINA.id);
    await user.click(within(editors).getByRole("button", { name: "Add editor" }));
    expect((await screen.findByRole("status")).textContent).toBe("Alina can now edit the text.");
    expect(calls.calls("POST", `${appealPath}/editors`).map((c) => c.body)).toEqual([{ user_id: ALINA.id }]);

    await user.click(within(editors).getByRole("button", { name: "Remove Pavel" }));
    await confirmInPage(user, "Remove Pavel as an editor?", "Remove");
    expect((await screen.findByRole("status")).textContent).toBe("Pavel is no longer an editor.");
    expect(calls.calls("DELETE", `${appealPath}/editors/${PAVEL.id}`)).toHaveLength(1);
  });

  it("hides the add-editor form from someone who cannot list the lead's members", async () => {
    server(appealBody({ editors: [PAVEL] }), {
      [`GET /api/organizations/${LEAD_ID}/members`]: problem(403, "permission_denied"),
    });
    renderPanel(CoAuthorsPanel);
    const editors = await screen.findByTestId("editors-section");
    expect(within(editors).getByText("Pavel")).toBeTruthy();
    await waitFor(() => expect(screen.queryByLabelText("Organization")).toBeTruthy());
    expect(screen.queryByTestId("add-editor")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});

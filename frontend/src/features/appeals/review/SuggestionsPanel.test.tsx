import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { confirmInPage } from "../../../test/confirmInPage";
import { fakeServer } from "../../../test/fakeServer";
import type { Suggestion } from "../api";
import { SuggestionsPanel } from "./SuggestionsPanel";
import { ALINA, appealBody, at, appealPath, expectAccessible, PAVEL, renderPanel, REVISION_ID } from "./testkit";

const REPLACE_ID = "0190b7a0-0000-7000-8000-0000000dd001";
const INSERT_ID = "0190b7a0-0000-7000-8000-0000000dd002";
const REMOVE_ID = "0190b7a0-0000-7000-8000-0000000dd003";

const TEXT = {
  revision: {
    id: REVISION_ID,
    number: 3,
    sha256: "a".repeat(64),
    parent_sha256: null,
    author: ALINA,
    credited: null,
    note: null,
    merged: false,
    created_at: "2026-03-02T10:00:00Z",
  },
  blocks: [
    { id: "title0001", kind: "title", text: "Free the prisoners of conscience" },
    { id: "para0001", kind: "paragraph", text: "We ask you to free all political prisoners held in Belarus." },
    { id: "para0002", kind: "paragraph", text: "Thank you for your attention." },
  ],
};

function suggestion(overrides: Partial<Suggestion> = {}): Suggestion {
  return {
    id: REPLACE_ID,
    kind: "replace",
    status: "open",
    author: ALINA,
    created_at: "2026-03-02T11:00:00Z",
    revision_number: 3,
    change: { kind: "replace", block_id: "para0001", exact: "political prisoners", replacement: "all <i>detained</i>" },
    note: "More precise.",
    outdated: false,
    decided_by: null,
    decided_at: null,
    reason: null,
    result_revision_number: null,
    ...overrides,
  };
}

const INSERT = suggestion({
  id: INSERT_ID,
  kind: "insert",
  author: PAVEL,
  change: { kind: "insert", after_block_id: "para0001", block_kind: "ask", text: "Release them now." },
  note: null,
});
const REMOVE = suggestion({
  id: REMOVE_ID,
  kind: "remove",
  change: { kind: "remove", block_id: "para0002" },
  note: null,
  outdated: true,
  revision_number: 2,
});

function server(items: Suggestion[], rights = appealBody().rights) {
  const state = { items };
  const decide = (id: string, changes: Partial<Suggestion>) => {
    state.items = state.items.map((s) => (s.id === id ? { ...s, ...changes } : s));
    return { body: { items: state.items } };
  };
  return fakeServer({
    [`GET ${appealPath}`]: { body: appealBody({ rights }) },
    [`GET ${appealPath}/text`]: { body: TEXT, headers: { ETag: `"${REVISION_ID}"` } },
    [`GET ${appealPath}/suggestions`]: () => ({ body: { items: state.items } }),
    [`POST ${appealPath}/suggestions/${REPLACE_ID}/accept`]: () =>
      decide(REPLACE_ID, {
        status: "accepted",
        decided_by: PAVEL,
        decided_at: "2026-03-03T08:00:00Z",
        result_revision_number: 4,
      }),
    [`POST ${appealPath}/suggestions/${REPLACE_ID}/reject`]: ({ body }) =>
      decide(REPLACE_ID, {
        status: "rejected",
        decided_by: PAVEL,
        decided_at: "2026-03-03T08:00:00Z",
        reason: (body as { reason: string }).reason,
      }),
  });
}

describe("suggestions", () => {
  it("shows what each would change, as text, with its author, note and state", async () => {
    server([suggestion(), INSERT, REMOVE]);
    const { container } = renderPanel(SuggestionsPanel);
    const items = await screen.findAllByTestId("suggestion");
    const [replace, insert, remove] = [at(items, 0), at(items, 1), at(items, 2)];

    await waitFor(() => expect(replace.textContent).toContain("In the block “We ask you to free all political"));
    const change = within(replace).getByTestId("suggestion-change");
    expect(change.querySelector("del")?.textContent).toBe("Deleted: political prisoners");
    expect(change.querySelector("ins")?.textContent).toBe("Inserted: all <i>detained</i>");
    expect(change.querySelector("i")).toBeNull();
    expect(replace.textContent).toContain("Replace a passage");
    expect(replace.textContent).toContain("More precise.");
    expect(replace.textContent).toContain("Suggested by Alina on revision 3,");

    expect(insert.textContent).toContain("A new block (demand) after “We ask you to free all political");
    expect(insert.querySelector("ins")?.textContent).toBe("Inserted: Release them now.");

    expect(remove.textContent).toContain("Remove this block (paragraph):");
    expect(remove.querySelector("del")?.textContent).toBe("Deleted: Thank you for your attention.");
    expect(within(remove).getByText("Outdated — the passage changed since revision 2")).toBeTruthy();
    expect(within(remove).getByRole<HTMLButtonElement>("button", { name: "Accept" }).disabled).toBe(true);
    await expectAccessible(container);
  });

  it("rejects only with a reason, and keeps the reason with the suggestion", async () => {
    const calls = server([suggestion()]);
    renderPanel(SuggestionsPanel);
    const user = userEvent.setup();
    const item = await screen.findByTestId("suggestion");
    await user.click(within(item).getByRole("button", { name: "Reject" }));
    const reason = within(item).getByLabelText("Why reject it?");
    expect(document.activeElement).toBe(reason);

    await user.type(reason, "   ");
    await user.click(within(item).getByRole("button", { name: "Reject suggestion" }));
    expect(within(item).getByRole("alert").textContent).toBe("Give a reason: the author will read it.");
    expect(reason.getAttribute("aria-invalid")).toBe("true");
    expect(calls.calls("POST", `${appealPath}/suggestions/${REPLACE_ID}/reject`)).toHaveLength(0);

    await user.type(reason, "We name no one without consent.");
    await user.click(within(item).getByRole("button", { name: "Reject suggestion" }));
    expect((await screen.findByRole("status")).textContent).toBe("Suggestion rejected; the reason is kept with it.");
    expect(calls.calls("POST", `${appealPath}/suggestions/${REPLACE_ID}/reject`).map((c) => c.body)).toEqual([
      { reason: "We name no one without consent." },
    ]);

    await waitFor(() => expect(screen.queryByTestId("suggestion")).toBeNull());
    await user.selectOptions(screen.getByLabelText("Show"), "decided");
    const decided = screen.getByTestId("suggestion");
    expect(decided.textContent).toContain("Rejected by Pavel,");
    expect(decided.textContent).toContain("Reason: We name no one without consent.");
  });

  it("accepts after saying whom the new revision credits, then refreshes the appeal", async () => {
    const calls = server([suggestion()]);
    renderPanel(SuggestionsPanel);
    const user = userEvent.setup();
    const item = await screen.findByTestId("suggestion");
    await user.click(within(item).getByRole("button", { name: "Accept" }));

    const dialog = await screen.findByRole("dialog", { name: "Accept this suggestion?" });
    expect(dialog.textContent).toContain("This creates a new revision crediting Alina.");
    expect(dialog.textContent).toContain("Approvals given so far are reset");
    await confirmInPage(user, "Accept this suggestion?", "Accept");

    expect((await screen.findByRole("status")).textContent).toBe("Suggestion accepted: it became revision 4.");
    expect(calls.calls("POST", `${appealPath}/suggestions/${REPLACE_ID}/accept`)).toHaveLength(1);
    await waitFor(() => expect(calls.calls("GET", appealPath)).toHaveLength(2));

    await user.selectOptions(screen.getByLabelText("Show"), "decided");
    expect(screen.getByTestId("suggestion").textContent).toContain("Accepted by Pavel; it became revision 4,");
  });

  it("accepts nothing when the dialog is cancelled", async () => {
    const calls = server([suggestion()]);
    renderPanel(SuggestionsPanel);
    const user = userEvent.setup();
    await user.click(within(await screen.findByTestId("suggestion")).getByRole("button", { name: "Accept" }));
    await confirmInPage(user, "Accept this suggestion?", "Cancel");
    expect(calls.calls("POST", `${appealPath}/suggestions/${REPLACE_ID}/accept`)).toHaveLength(0);
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("offers no decision to someone who may only comment", async () => {
    server([suggestion()], ["read", "comment"]);
    renderPanel(SuggestionsPanel);
    const item = await screen.findByTestId("suggestion");
    expect(within(item).queryByRole("button")).toBeNull();
  });
});

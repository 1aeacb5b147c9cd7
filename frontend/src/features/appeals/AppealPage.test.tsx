import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import { confirmInPage } from "../../test/confirmInPage";
import { fakeServer } from "../../test/fakeServer";
import { current, renderApp } from "../../test/renderApp";
import { APPEAL_ID, HASH, appeal, session, textRead } from "./fixtures";
import type { Appeal } from "./api";

function server(read: Appeal, extra: Parameters<typeof fakeServer>[0] = {}) {
  return fakeServer({
    "GET /api/auth/session": { body: session },
    [`GET /api/appeals/${APPEAL_ID}`]: { body: read },
    [`GET /api/appeals/${APPEAL_ID}/text`]: { body: textRead(), headers: { ETag: '"r3"' } },
    [`GET /api/appeals/${APPEAL_ID}/comments`]: { body: { items: [] } },
    [`GET /api/appeals/${APPEAL_ID}/revisions`]: { body: { items: [], next_cursor: null } },
    [`GET /api/appeals/${APPEAL_ID}/diff`]: {
      body: { from_number: 2, to_number: 3, blocks: [], summary: { added: 0, removed: 0, changed: 0, moved: 0 } },
    },
    ...extra,
  });
}

const tabNames = () => screen.getAllByRole("tab").map((tab) => tab.textContent);

// Whole pages with many keystrokes: slower than the default 5 s on a busy machine.
describe("an appeal's page", { timeout: 20_000 }, () => {
  it("shows the header, and tabs that arrow keys move between", async () => {
    server(appeal());
    renderApp(`/appeals/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    expect((await screen.findByRole("heading", { level: 1 })).textContent).toBe("Free all political prisoners");
    expect(screen.getByTestId("appeal-revision").textContent).toBe("Revision 3 · ab12cd34ef56");
    expect(screen.getByText("ab12cd34ef56").getAttribute("title")).toBe(HASH);

    const tablist = screen.getByRole("tablist", { name: "Parts of the appeal" });
    expect(tabNames()).toEqual([
      "Text",
      "Edit",
      "History",
      "Comments",
      "Suggestions",
      "Co-authors",
      "Translations",
      "Activity",
    ]);
    const text = within(tablist).getByRole("tab", { name: "Text" });
    expect(text.getAttribute("aria-selected")).toBe("true");
    expect(text.tabIndex).toBe(0);
    expect(within(tablist).getByRole("tab", { name: "Edit" }).tabIndex).toBe(-1);
    const panel = screen.getByRole("tabpanel", { name: "Text" });
    expect(text.getAttribute("aria-controls")).toBe(panel.id);
    await within(panel).findByRole("heading", { name: "Free all political prisoners", level: 2 });

    await user.tab(); // from the page into the tablist: the selected tab
    text.focus();
    await user.keyboard("{ArrowRight}");
    const edit = within(tablist).getByRole("tab", { name: "Edit" });
    expect(document.activeElement).toBe(edit);
    expect(edit.getAttribute("aria-selected")).toBe("true");
    expect(current.location?.search).toBe("?tab=edit");
    await user.keyboard("{ArrowRight}");
    expect(document.activeElement?.textContent).toBe("History");
    expect(current.location?.search).toBe("?tab=history");
    await user.keyboard("{End}");
    expect(document.activeElement?.textContent).toBe("Activity");
    await user.keyboard("{ArrowRight}"); // wraps
    expect(document.activeElement?.textContent).toBe("Text");
    expect(current.location?.search).toBe("");
    await user.keyboard("{ArrowLeft}");
    expect(document.activeElement?.textContent).toBe("Activity");
    await user.keyboard("{Home}");
    expect(document.activeElement?.textContent).toBe("Text");
    // Only the selected panel is shown.
    expect(screen.getAllByRole("tabpanel")).toHaveLength(1);

    const result = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
    expect(result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  });

  it("opens the tab the address names, and shows Edit only to those who may edit", async () => {
    server(appeal({ rights: ["read", "comment"] }));
    renderApp(`/appeals/${APPEAL_ID}?tab=history`);
    await screen.findByRole("heading", { level: 1 });
    expect(tabNames()).not.toContain("Edit");
    expect(screen.getByRole("tab", { name: "History" }).getAttribute("aria-selected")).toBe("true");
    expect(await screen.findByRole("heading", { name: "Compare revisions" })).toBeTruthy();
  });

  it("falls back to the text for a tab the person may not open", async () => {
    server(appeal({ rights: ["read"] }));
    renderApp(`/appeals/${APPEAL_ID}?tab=edit`);
    await screen.findByRole("heading", { level: 1 });
    expect(screen.getByRole("tab", { name: "Text" }).getAttribute("aria-selected")).toBe("true");
  });

  it("asks before opening again an appeal that has its window (the text freezes)", async () => {
    let state: Appeal = appeal({
      state: "approved",
      actions: ["open", "reopen_review", "withdraw"],
      rights: ["read", "run"],
      signing_window: true,
    });
    const calls = server(state, {
      [`GET /api/appeals/${APPEAL_ID}`]: () => ({ body: state }),
      [`POST /api/appeals/${APPEAL_ID}/transitions`]: (seen) => {
        const { action } = seen.body as { action: string };
        state = appeal({
          state: action === "open" ? "open" : "review",
          actions: ["close", "reopen_review"],
          signing_window: true,
        });
        return { body: state };
      },
    });
    renderApp(`/appeals/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    const actions = await screen.findByRole("group", { name: "Appeal actions" });
    expect(
      within(actions)
        .getAllByRole("button")
        .map((b) => b.textContent),
    ).toEqual(["Open for signatures", "Reopen review", "Withdraw"]);

    // Cancelled: nothing happens, nothing is said.
    await user.click(within(actions).getByRole("button", { name: "Open for signatures" }));
    const dialog = await screen.findByRole("dialog", { name: "Open the appeal for signatures?" });
    expect(dialog.textContent).toContain("revision 3 (ab12cd34ef56)");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(calls.calls("POST", `/api/appeals/${APPEAL_ID}/transitions`)).toHaveLength(0);
    expect(screen.queryByRole("status")).toBeNull();

    await user.click(within(actions).getByRole("button", { name: "Open for signatures" }));
    await confirmInPage(user, "Open the appeal for signatures?", "Open for signatures");
    await waitFor(() =>
      expect(screen.getAllByRole("status").map((s) => s.textContent)).toContain(
        "The appeal is now: Open for signatures.",
      ),
    );
    expect(calls.calls("POST", `/api/appeals/${APPEAL_ID}/transitions`)[0]?.body).toEqual({ action: "open" });
    const after = screen.getByRole("group", { name: "Appeal actions" });
    expect(
      within(after)
        .getAllByRole("button")
        .map((b) => b.textContent),
    ).toEqual(["Close", "Reopen review"]);
  });

  it("says plainly when the appeal is not there (or not visible)", async () => {
    fakeServer({
      "GET /api/auth/session": { body: session },
      [`GET /api/appeals/${APPEAL_ID}`]: {
        status: 404,
        body: { type: "urn:accord:problem:appeal_not_found", title: "x", status: 404, code: "appeal_not_found" },
        headers: { "Content-Type": "application/problem+json" },
      },
    });
    renderApp(`/appeals/${APPEAL_ID}`);
    expect((await screen.findByRole("alert")).textContent).toBe("There is no such appeal, or you cannot see it.");
  });
});

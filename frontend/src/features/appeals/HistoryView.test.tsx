import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { setLanguage } from "../../i18n";
import { fakeServer } from "../../test/fakeServer";
import { renderApp } from "../../test/renderApp";
import { APPEAL_ID, appeal, revision, session } from "./fixtures";

const DIFF_PATH = `/api/appeals/${APPEAL_ID}/diff`;

function server() {
  return fakeServer({
    "GET /api/auth/session": { body: session },
    [`GET /api/appeals/${APPEAL_ID}`]: { body: appeal({ head_number: 52 }) },
    [`GET /api/appeals/${APPEAL_ID}/revisions`]: (seen) =>
      new URL(seen.url).searchParams.get("cursor") === "older"
        ? { body: { items: [revision(2), revision(1)], next_cursor: null } }
        : {
            body: {
              items: [
                revision(52, {
                  credited: { id: "0190b7a0-0000-7000-8000-000000000002", name: "Hanna" },
                  note: "Accepted Hanna's wording",
                }),
                revision(51, { merged: true }),
                revision(50, { author: null }),
              ],
              next_cursor: "older",
            },
          },
    [`GET ${DIFF_PATH}`]: (seen) => {
      const query = new URL(seen.url).searchParams;
      const from = Number(query.get("from"));
      const to = Number(query.get("to"));
      return {
        body: {
          from_number: from,
          to_number: to,
          blocks: [
            {
              op: "same",
              moved: false,
              id: "title0000001",
              kind: "title",
              old_kind: null,
              segments: [{ op: "equal", text: "Free all" }],
            },
            {
              op: "changed",
              moved: false,
              id: "para00000001",
              kind: "paragraph",
              old_kind: null,
              segments: [
                { op: "equal", text: "We write about the " },
                { op: "delete", text: "1,200" },
                { op: "insert", text: "1,300" },
                { op: "equal", text: " people." },
              ],
            },
            {
              op: "added",
              moved: false,
              id: "ask000000009",
              kind: "ask",
              old_kind: null,
              segments: [{ op: "insert", text: "Stop torture." }],
            },
            {
              op: "removed",
              moved: false,
              id: "quote0000001",
              kind: "quote",
              old_kind: null,
              segments: [{ op: "delete", text: "Old quote." }],
            },
            {
              op: "same",
              moved: true,
              id: "ask000000001",
              kind: "ask",
              old_kind: "paragraph",
              segments: [{ op: "equal", text: "Release them." }],
            },
          ],
          summary: { added: 1, removed: 1, changed: 1, moved: 1 },
        },
      };
    },
  });
}

// Whole pages with many keystrokes: slower than the default 5 s on a busy machine.
describe("the history tab", { timeout: 20_000 }, () => {
  it("lists revisions a page at a time with author, credit, note and merge", async () => {
    const calls = server();
    renderApp(`/appeals/${APPEAL_ID}?tab=history`);
    const user = userEvent.setup({ delay: null });
    const list = await screen.findByTestId("revisions");
    const items = within(list).getAllByRole("listitem");
    expect(items).toHaveLength(3);
    expect(items[0]?.textContent).toContain("Revision 52");
    expect(items[0]?.textContent).toContain("by Aleś · credited to Hanna");
    expect(items[0]?.textContent).toContain("Accepted Hanna's wording");
    expect(items[0]?.textContent).toContain("525252525252");
    expect(
      within(items[0] as HTMLElement)
        .getByText("525252525252")
        .getAttribute("title"),
    ).toBe(revision(52).sha256);
    expect(items[1]?.textContent).toContain("merged");
    expect(items[2]?.textContent).toContain("by a former member");

    await user.click(screen.getByRole("button", { name: "Load more revisions" }));
    await waitFor(() => expect(within(screen.getByTestId("revisions")).getAllByRole("listitem")).toHaveLength(5));
    expect(screen.queryByRole("button", { name: "Load more revisions" })).toBeNull();
    expect(
      new URL(calls.calls("GET", `/api/appeals/${APPEAL_ID}/revisions`)[1]?.url ?? "").searchParams.get("cursor"),
    ).toBe("older");
  });

  it("compares the previous revision with the latest by default, and any two on request", async () => {
    const calls = server();
    renderApp(`/appeals/${APPEAL_ID}?tab=history`);
    const user = userEvent.setup({ delay: null });
    const diff = await screen.findByTestId("diff");
    expect(new URL(calls.calls("GET", DIFF_PATH)[0]?.url ?? "").search).toBe("?from=51&to=52");
    expect(screen.getByLabelText<HTMLSelectElement>("From").value).toBe("51");
    expect(screen.getByLabelText<HTMLSelectElement>("To").value).toBe("52");

    expect(within(diff).getByText("Added: 1 · Removed: 1 · Changed: 1 · Moved: 1")).toBeTruthy();
    const list = within(diff).getByRole("list", { name: "Changes from revision 51 to 52" });
    const blocks = within(list).getAllByRole("listitem");
    // Unchanged blocks are hidden unless asked for; a moved one is shown.
    expect(blocks).toHaveLength(4);
    expect(blocks[0]?.querySelector("del")?.textContent).toBe("[deleted: 1,200]");
    expect(blocks[0]?.querySelector("ins")?.textContent).toBe("[inserted: 1,300]");
    expect(blocks[0]?.textContent).toContain("changed");
    expect(blocks[1]?.textContent).toContain("added");
    expect(blocks[2]?.textContent).toContain("removed");
    expect(blocks[3]?.textContent).toContain("moved");
    expect(blocks[3]?.textContent).toContain("Paragraph → Ask");
    // The screen-reader words are there, hidden from sight.
    expect(blocks[0]?.querySelector("ins .visually-hidden")?.textContent).toBe("[inserted: ");

    await user.click(within(diff).getByLabelText("Show unchanged blocks"));
    expect(within(list).getAllByRole("listitem")).toHaveLength(5);

    await user.selectOptions(screen.getByLabelText("From"), "1");
    await waitFor(() => expect(new URL(calls.calls("GET", DIFF_PATH).at(-1)?.url ?? "").search).toBe("?from=1&to=52"));
    await screen.findByRole("list", { name: "Changes from revision 1 to 52" });

    const exportLink = screen.getByRole("link", { name: "Export revision 52 as Markdown" });
    expect(exportLink.getAttribute("href")).toBe(`/api/appeals/${APPEAL_ID}/text.md?revision=52`);
  });

  it("speaks Belarusian", async () => {
    await setLanguage("be");
    server();
    renderApp(`/appeals/${APPEAL_ID}?tab=history`);
    const diff = await screen.findByTestId("diff");
    expect(within(diff).getByText("Дададзена: 1 · Выдалена: 1 · Зменена: 1 · Перамешчана: 1")).toBeTruthy();
    expect(diff.querySelector("del")?.textContent).toBe("[выдалена: 1,200]");
    expect(screen.getByRole("tab", { name: "Гісторыя" }).getAttribute("aria-selected")).toBe("true");
  });
});

import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeServer } from "../../test/fakeServer";
import { renderApp } from "../../test/renderApp";
import { APPEAL_ID, BLOCKS, appeal, revision, session, textRead } from "./fixtures";
import type { Appeal, Block } from "./api";

const CYRILLIC: Block = {
  id: "cyril0000001",
  kind: "paragraph",
  text: "😀 Мы патрабуем *неадкладна* вызваліць усіх [палітвязняў](https://spring96.org/be).",
};
const TEXT = [...BLOCKS.slice(0, 3), CYRILLIC, ...BLOCKS.slice(3)];

function located(blockId: string, resolved = false) {
  return {
    id: `0190b7a0-0000-7000-8000-${Math.random().toString(16).slice(2, 14).padEnd(12, "0")}`,
    parent_id: null,
    author: { id: session.user.id, name: "Aleś" },
    body: "A comment",
    created_at: "2026-03-02T11:30:00Z",
    revision_number: 3,
    anchor: { block_id: blockId, exact: "x", prefix: "", suffix: "" },
    located: { block_id: blockId, start: 0, end: 1 },
    outdated: false,
    resolved_at: resolved ? "2026-03-03T10:00:00Z" : null,
    resolved_by: null,
    replies: [],
  };
}

function server(rights: ("read" | "comment" | "edit")[] = ["read", "comment"], state: Appeal["state"] = "draft") {
  const comments = [located("para00000001"), located("para00000001", true), located("ask000000001")];
  return fakeServer({
    "GET /api/auth/session": { body: session },
    [`GET /api/appeals/${APPEAL_ID}`]: { body: appeal({ rights, state }) },
    [`GET /api/appeals/${APPEAL_ID}/text`]: { body: textRead(TEXT), headers: { ETag: '"r3"' } },
    [`GET /api/appeals/${APPEAL_ID}/comments`]: () => ({ body: { items: comments } }),
    [`POST /api/appeals/${APPEAL_ID}/comments`]: (seen) => {
      const body = seen.body as { block_id: string };
      comments.push(located(body.block_id));
      return { status: 201, body: located(body.block_id) };
    },
    [`POST /api/appeals/${APPEAL_ID}/suggestions`]: { status: 201, body: {} },
  });
}

/** The text node of a rendered span of block `blockId` whose text is `text`. */
function textNode(blockId: string, text: string): Text {
  const block = document.querySelector(`[data-block-id="${blockId}"]`);
  const span = [...(block?.querySelectorAll("[data-start]") ?? [])].find((el) => el.textContent === text);
  const node = span?.firstChild;
  if (!(node instanceof Text)) throw new Error(`no span “${text}” in ${blockId}`);
  return node;
}

function select(start: [Node, number], end: [Node, number]) {
  act(() => {
    const range = document.createRange();
    range.setStart(...start);
    range.setEnd(...end);
    const selection = document.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    document.dispatchEvent(new Event("selectionchange"));
  });
}

// Whole pages with many keystrokes: slower than the default 5 s on a busy machine.
describe("the text tab", { timeout: 20_000 }, () => {
  it("renders the letter: title, salutation, paragraphs, asks numbered across runs, quote, closing", async () => {
    server(["read"]);
    renderApp(`/appeals/${APPEAL_ID}`);
    const letter = await screen.findByRole("article", { name: "The text of the appeal" });
    expect(within(letter).getByRole("heading", { level: 2 }).textContent).toBe("Free all political prisoners");
    const lists = letter.querySelectorAll("ol");
    expect(lists).toHaveLength(2);
    expect(lists[0]?.getAttribute("start")).toBe("1");
    expect(within(lists[0] as HTMLElement).getAllByRole("listitem")).toHaveLength(2);
    expect(lists[1]?.getAttribute("start")).toBe("3");
    expect(letter.querySelector("blockquote")?.textContent).toBe("Nobody shall be subjected to arbitrary arrest.");
    expect(letter.querySelector("strong")?.textContent).toBe("1,200");
    expect(within(letter).getByRole("link", { name: "палітвязняў" }).getAttribute("href")).toBe(
      "https://spring96.org/be",
    );
    // Open comments per block; resolved ones are not counted.
    expect((await screen.findByTestId("comment-count-para00000001")).textContent).toBe("Open comments: 1");
    expect(screen.getByTestId("comment-count-ask000000001").textContent).toBe("Open comments: 1");
    // Without the comment right there is nothing to suggest with.
    expect(screen.queryByRole("button", { name: /^Suggest/u })).toBeNull();
  });

  it("comments on a passage that crosses markup, with offsets in the raw text", async () => {
    const calls = server();
    renderApp(`/appeals/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    await screen.findByRole("article");
    const raw = BLOCKS[2]?.text ?? "";
    // "200" inside **1,200**, through " people" after it.
    select([textNode("para00000001", "1,200"), 2], [textNode("para00000001", " people held for their views."), 7]);
    const toolbar = await screen.findByRole("toolbar", { name: "Selected passage" });
    await user.click(within(toolbar).getByRole("button", { name: "Comment" }));
    expect(screen.getByRole("heading", { name: "Comment on a passage" })).toBeTruthy();
    expect(screen.getByText("200** people")).toBeTruthy();
    await user.type(screen.getByLabelText("Your comment"), "Check the number.");
    await user.click(screen.getByRole("button", { name: "Add comment" }));

    expect((await screen.findByRole("status")).textContent).toBe("Comment added.");
    const start = raw.indexOf("1,200") + 2;
    const end = raw.indexOf(" people") + 7;
    expect(raw.slice(start, end)).toBe("200** people");
    expect(calls.calls("POST", `/api/appeals/${APPEAL_ID}/comments`)[0]?.body).toEqual({
      revision_id: revision(3).id,
      block_id: "para00000001",
      start,
      end,
      body: "Check the number.",
      mentions: [],
    });
    await waitFor(() => expect(screen.getByTestId("comment-count-para00000001").textContent).toBe("Open comments: 2"));
  });

  it("mentions people chosen by name; the list is fetched only when asked for", async () => {
    const names = ["Aleś Bialacki", "Łucyja Mazur", "Marfa Rabkova", "Nasta Loika", "Ihar Losik"];
    const more = ["Maria Kalesnikava", "Viktar Babaryka", "Maksim Znak", "Ryhor Kastusiou"];
    const people = [...names, ...more].map((name, index) => ({
      id: `0190b7a0-0000-7000-8000-00000000000${index}`,
      name,
    }));
    const calls = server();
    calls.route(`GET /api/appeals/${APPEAL_ID}/mentionable`, { body: { items: people } });
    renderApp(`/appeals/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    await screen.findByRole("article");
    select([textNode("para00000001", "1,200"), 0], [textNode("para00000001", "1,200"), 5]);
    await user.click(await screen.findByRole("button", { name: "Comment" }));
    await user.type(screen.getByLabelText("Your comment"), "Please check this figure.");
    expect(calls.calls("GET", `/api/appeals/${APPEAL_ID}/mentionable`)).toHaveLength(0);

    await user.click(screen.getByText("Notify people by email"));
    const chosen = await screen.findByRole("checkbox", { name: "Marfa Rabkova" });
    await user.click(chosen);
    // Found the way people type it: without the accent, in lower case.
    await user.type(screen.getByRole("searchbox", { name: "Find a person" }), "loika");
    expect(screen.getAllByRole("checkbox").map((box) => box.closest("label")?.textContent.trim())).toEqual([
      "Marfa Rabkova", // chosen stays in view
      "Nasta Loika",
    ]);
    await user.click(screen.getByRole("checkbox", { name: "Nasta Loika" }));
    expect(screen.getByText("Notify people by email (chosen: 2)")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Add comment" }));

    expect((await screen.findByRole("status")).textContent).toBe("Comment added.");
    expect(calls.calls("POST", `/api/appeals/${APPEAL_ID}/comments`)[0]?.body).toMatchObject({
      body: "Please check this figure.",
      mentions: [people[2]?.id, people[3]?.id],
    });
  });

  it("counts offsets in code points of the raw Cyrillic text (an emoji before it counts once)", async () => {
    const calls = server();
    renderApp(`/appeals/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    await screen.findByRole("article");
    // From inside *неадкладна* into the link label палітвязняў.
    select([textNode("cyril0000001", "неадкладна"), 2], [textNode("cyril0000001", "палітвязняў"), 4]);
    await user.click(await screen.findByRole("button", { name: "Suggest a change" }));
    const replacement = screen.getByLabelText("Replace the passage with");
    expect((replacement as HTMLTextAreaElement).value).toBe("адкладна* вызваліць усіх [палі");
    await user.clear(replacement);
    await user.type(replacement, "адкладна* вызваліць усіх [[палі"); // "[[" types one "["
    await user.type(screen.getByLabelText("Why (optional)"), "Без змен, праверка");
    await user.click(screen.getByRole("button", { name: "Send suggestion" }));
    expect((await screen.findByRole("status")).textContent).toBe(
      "Suggestion sent: the lead's editors will decide on it.",
    );
    const raw = CYRILLIC.text;
    const utf16Start = raw.indexOf("неадкладна") + 2;
    const utf16End = raw.indexOf("палітвязняў") + 4;
    const codePoints = (index: number) => Array.from(raw.slice(0, index)).length;
    expect(codePoints(utf16Start)).toBe(utf16Start - 1); // the emoji is two UTF-16 units, one code point
    expect(calls.calls("POST", `/api/appeals/${APPEAL_ID}/suggestions`)[0]?.body).toEqual({
      revision_id: revision(3).id,
      change: {
        kind: "replace",
        block_id: "cyril0000001",
        start: codePoints(utf16Start),
        end: codePoints(utf16End),
        replacement: "адкладна* вызваліць усіх [палі",
      },
      note: "Без змен, праверка",
    });
    expect(Array.from(raw).slice(codePoints(utf16Start), codePoints(utf16End)).join("")).toBe(
      "адкладна* вызваліць усіх [палі",
    );
  });

  it("takes a whole ask when the selection ends at the next one (a triple click), not across blocks", async () => {
    server();
    renderApp(`/appeals/${APPEAL_ID}`);
    await screen.findByRole("article");
    const ask = textNode("ask000000001", "Release them.");
    const nextItem = document.querySelector('[data-block-id="ask000000002"]')?.closest("li") as Node;
    select([ask, 0], [nextItem, 0]);
    expect(await screen.findByRole("toolbar")).toBeTruthy();
    await userEvent.setup({ delay: null }).click(screen.getByRole("button", { name: "Comment" }));
    expect(screen.getByText("Release them.", { selector: "q" })).toBeTruthy();

    // Across two blocks with text in both: no toolbar.
    await userEvent.setup({ delay: null }).click(screen.getByRole("button", { name: "Cancel" }));
    select([ask, 2], [textNode("ask000000002", "End the persecution."), 3]);
    await waitFor(() => expect(screen.queryByRole("toolbar")).toBeNull());
  });

  it("suggests a new ask after a block and the removal of a block, from the keyboard", async () => {
    const calls = server();
    renderApp(`/appeals/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    await screen.findByRole("article");
    const menu = screen.getAllByRole("button", { name: "Suggest… (Ask)" })[0] as HTMLElement;
    expect(menu.getAttribute("aria-expanded")).toBe("false");
    menu.focus();
    await user.keyboard("{Enter}");
    expect(menu.getAttribute("aria-expanded")).toBe("true");
    await user.tab();
    expect(document.activeElement?.textContent).toBe("Suggest a new block after this (Ask)");
    await user.keyboard("{Enter}");
    expect(screen.getByRole("heading", { name: "Suggest a new block" })).toBeTruthy();
    expect(screen.getByLabelText<HTMLSelectElement>("Kind of block").value).toBe("ask");
    await user.type(screen.getByLabelText("Text of the new block"), "Stop torture in prisons.");
    await user.click(screen.getByRole("button", { name: "Send suggestion" }));
    await screen.findByRole("status");
    expect(calls.calls("POST", `/api/appeals/${APPEAL_ID}/suggestions`)[0]?.body).toEqual({
      revision_id: revision(3).id,
      change: { kind: "insert", after_block_id: "ask000000001", block_kind: "ask", text: "Stop torture in prisons." },
    });

    await user.click(screen.getByRole("button", { name: "Suggest… (Quote)" }));
    await user.click(screen.getByRole("button", { name: "Suggest removing this block (Quote)" }));
    await user.click(screen.getByRole("button", { name: "Send suggestion" }));
    await waitFor(() => expect(calls.calls("POST", `/api/appeals/${APPEAL_ID}/suggestions`)).toHaveLength(2));
    expect(calls.calls("POST", `/api/appeals/${APPEAL_ID}/suggestions`)[1]?.body).toEqual({
      revision_id: revision(3).id,
      change: { kind: "remove", block_id: "quote0000001" },
    });
  });

  it("offers only comments once the text is frozen: the server refuses suggestions then", async () => {
    server(["read", "comment", "edit"], "open");
    renderApp(`/appeals/${APPEAL_ID}`);
    await screen.findByRole("article");
    expect(screen.getByText(/Select a passage to comment on it\.$/u)).toBeTruthy();
    expect(screen.queryByRole("button", { name: /^Suggest/u })).toBeNull();
    select([textNode("para00000001", "1,200"), 0], [textNode("para00000001", "1,200"), 5]);
    const toolbar = await screen.findByRole("toolbar", { name: "Selected passage" });
    expect(
      within(toolbar)
        .getAllByRole("button")
        .map((b) => b.textContent),
    ).toEqual(["Comment"]);
  });
});

import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { confirmInPage } from "../../test/confirmInPage";
import { fakeServer, problem, type Answer, type Seen } from "../../test/fakeServer";
import { renderApp } from "../../test/renderApp";
import type { Block } from "./api";
import { forgetUnsavedDrafts } from "./Editor";
import { APPEAL_ID, BLOCKS, appeal, session, textRead } from "./fixtures";

afterEach(forgetUnsavedDrafts);

const TEXT_PATH = `/api/appeals/${APPEAL_ID}/text`;

function server(save: (seen: Seen) => Answer, state: "draft" | "review" | "open" = "draft") {
  return fakeServer({
    "GET /api/auth/session": { body: session },
    [`GET /api/appeals/${APPEAL_ID}`]: { body: appeal({ state }) },
    [`GET ${TEXT_PATH}`]: { body: textRead(), headers: { ETag: '"r3"' } },
    [`GET /api/appeals/${APPEAL_ID}/comments`]: { body: { items: [] } },
    [`PUT ${TEXT_PATH}`]: save,
  });
}

const block = (number: number) => screen.getByRole("group", { name: `Block ${number}` });
const textOf = (number: number) => within(block(number)).getByLabelText<HTMLTextAreaElement>("Text");

async function openEditor() {
  renderApp(`/appeals/${APPEAL_ID}?tab=edit`);
  await screen.findByRole("group", { name: "Block 1" });
  return userEvent.setup({ delay: null });
}

async function replaceText(user: UserEvent, number: number, text: string) {
  await user.clear(textOf(number));
  await user.type(textOf(number), text);
}

const sent = (seen: Seen | undefined) => (seen?.body as { blocks: Block[]; note: string | null }).blocks;
const byId = (blocks: Block[], id: string) => blocks.find((b) => b.id === id);

// Whole pages with many keystrokes: slower than the default 5 s on a busy machine.
describe("the editor", { timeout: 20_000 }, () => {
  it("saves the blocks with If-Match and a note, and says which revision it made", async () => {
    const calls = server((seen) => ({
      body: textRead((seen.body as { blocks: Block[] }).blocks, 4),
      headers: { ETag: '"r4"' },
    }));
    const user = await openEditor();
    expect(screen.getByText(/^Based on revision 3\./u)).toBeTruthy();
    const save = screen.getByRole<HTMLButtonElement>("button", { name: "Save" });
    expect(save.disabled).toBe(true);

    await replaceText(user, 3, "We write about the **1,300** people held for their views.");
    await user.selectOptions(within(block(3)).getByLabelText("Kind"), "quote");
    await user.type(screen.getByLabelText("Note on this revision (optional)"), "Updated the count");
    expect(screen.getByText("Unsaved changes")).toBeTruthy();
    await user.click(save);

    expect((await screen.findByRole("status")).textContent).toBe("Saved as revision 4.");
    const put = calls.calls("PUT", TEXT_PATH)[0];
    expect(put?.headers.get("If-Match")).toBe('"r3"');
    expect((put?.body as { note: string }).note).toBe("Updated the count");
    expect(byId(sent(put), "para00000001")).toEqual({
      id: "para00000001",
      kind: "quote",
      text: "We write about the **1,300** people held for their views.",
    });
    expect(sent(put)).toHaveLength(BLOCKS.length);
    expect(screen.getByText(/^Based on revision 4\./u)).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Save" }).disabled).toBe(true);
  });

  it("moves, inserts (with a fresh id) and deletes blocks, asking before deleting", async () => {
    const calls = server((seen) => ({ body: textRead((seen.body as { blocks: Block[] }).blocks, 4) }));
    const user = await openEditor();
    // Ask 2 (block 5) up above ask 1.
    await user.click(within(block(5)).getByRole("button", { name: "Move up (block 5)" }));
    expect(textOf(4).value).toBe("End the persecution.");
    expect(document.activeElement?.textContent).toBe("Move up (block 4)");
    // A new block below the first ask: an ask too, with its text typed at once.
    await user.click(within(block(4)).getByRole("button", { name: "Insert block below (block 4)" }));
    expect(document.activeElement).toBe(textOf(5));
    expect(within(block(5)).getByLabelText<HTMLSelectElement>("Kind").value).toBe("ask");
    await user.keyboard("Free the journalists.");
    // Delete the quote (now block 9), confirmed in the page.
    await user.click(within(block(9)).getByRole("button", { name: "Delete (block 9)" }));
    await confirmInPage(user, "Delete block 9?", "Delete");
    expect(screen.getByRole("status").textContent).toBe("Block 9 deleted. It is gone once you save.");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Saved as revision 4.");

    const blocks = sent(calls.calls("PUT", TEXT_PATH)[0]);
    expect(blocks.map((b) => b.text)).toEqual([
      "Free all political prisoners",
      "Dear Minister,",
      "We write about the **1,200** people held for their views.",
      "End the persecution.",
      "Free the journalists.",
      "Release them.",
      "Мы патрабуем *неадкладна* вызваліць усіх палітвязняў.",
      "Compensate the victims.",
      "Sincerely,",
    ]);
    expect(blocks[4]?.id).toMatch(/^[a-z0-9]{12}$/u);
    expect(blocks[4]?.kind).toBe("ask");
  });

  it("says when the save was merged with someone else's, and shows the merged text", async () => {
    server((seen) => {
      const mine = (seen.body as { blocks: Block[] }).blocks;
      const merged = mine.map((b) => (b.id === "salut0000001" ? { ...b, text: "Dear Ministers," } : b));
      return { body: textRead(merged, 5, { merged: true }), headers: { ETag: '"r5"' } };
    });
    const user = await openEditor();
    await replaceText(user, 4, "Release them now.");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findByRole("status")).textContent).toBe(
      "Saved as revision 5, merged with changes someone else saved meanwhile.",
    );
    const mergedText = screen.getByRole("article", { name: "The merged text" });
    expect(within(mergedText).getByText("Dear Ministers,")).toBeTruthy();
    expect(within(mergedText).getByText("Release them now.")).toBeTruthy();
    // The editor now holds the merged text too.
    expect(textOf(2).value).toBe("Dear Ministers,");
    expect(textOf(4).value).toBe("Release them now.");
  });

  it("on a conflict keeps everything typed, shows theirs against mine, and saves the choice on the current text", async () => {
    // Meanwhile someone changed the salutation (no conflict) and paragraph 1 (conflict).
    const theirs = BLOCKS.map((b) =>
      b.id === "salut0000001"
        ? { ...b, text: "Dear Ministers," }
        : b.id === "para00000001"
          ? { ...b, text: "We write about the 1,250 people held for their views." }
          : b,
    );
    let round = 0;
    const calls = server((seen) => {
      round++;
      if (round === 1) {
        return problem(
          412,
          "edit_conflict",
          { current: textRead(theirs, 4), conflicts: ["para00000001"] },
          { ETag: '"r4"' },
        );
      }
      return { body: textRead((seen.body as { blocks: Block[] }).blocks, 5), headers: { ETag: '"r5"' } };
    });
    const user = await openEditor();
    await replaceText(user, 3, "We write about the 1,300 people held for their views.");
    await replaceText(user, 5, "End the persecution today.");
    await user.click(within(block(4)).getByRole("button", { name: "Insert block below (block 4)" }));
    await user.keyboard("Free the journalists.");
    await user.click(within(block(9)).getByRole("button", { name: "Delete (block 9)" }));
    await confirmInPage(user, "Delete block 9?", "Delete");
    await user.click(screen.getByRole("button", { name: "Save" }));

    const conflict = await screen.findByTestId("edit-conflict");
    expect(within(conflict).getByRole("alert").textContent).toContain("Nothing was saved.");
    expect(document.activeElement?.textContent).toBe("Someone else changed the same blocks");
    const diff = screen.getByTestId("conflict-diff-para00000001");
    expect([...diff.querySelectorAll("del")].map((d) => d.textContent)).toEqual(["[deleted: 250]"]);
    expect([...diff.querySelectorAll("ins")].map((i) => i.textContent)).toEqual(["[inserted: 300]"]);
    expect(within(conflict).getByRole("heading", { level: 4 }).textContent).toContain("Block 3: Paragraph");
    expect(within(conflict).getByRole<HTMLInputElement>("radio", { name: "Keep mine" }).checked).toBe(true);
    expect(within(conflict).getByRole("radio", { name: "Take theirs" })).toBeTruthy();

    await user.click(within(conflict).getByRole("button", { name: "Save with these choices" }));
    expect((await screen.findByRole("status")).textContent).toBe("Saved as revision 5.");
    const second = calls.calls("PUT", TEXT_PATH)[1];
    expect(second?.headers.get("If-Match")).toBe('"r4"');
    const blocks = sent(second);
    expect(byId(blocks, "salut0000001")?.text).toBe("Dear Ministers,"); // theirs, untouched by me
    expect(byId(blocks, "para00000001")?.text).toBe("We write about the 1,300 people held for their views.");
    expect(byId(blocks, "ask000000002")?.text).toBe("End the persecution today.");
    expect(byId(blocks, "quote0000001")).toBeUndefined();
    const texts = blocks.map((b) => b.text);
    expect(texts.indexOf("Free the journalists.")).toBe(texts.indexOf("Release them.") + 1);
    expect(blocks).toHaveLength(BLOCKS.length); // one added, one removed
  });

  it("saves a text merged by hand for a conflicting block", async () => {
    const theirs = BLOCKS.map((b) => (b.id === "ask000000001" ? { ...b, text: "Release them all." } : b));
    let round = 0;
    const calls = server((seen) => {
      round++;
      if (round === 1) {
        return problem(
          412,
          "edit_conflict",
          { current: textRead(theirs, 4), conflicts: ["ask000000001"] },
          { ETag: '"r4"' },
        );
      }
      return { body: textRead((seen.body as { blocks: Block[] }).blocks, 5) };
    });
    const user = await openEditor();
    await replaceText(user, 4, "Release them today.");
    await user.click(screen.getByRole("button", { name: "Save" }));
    const conflict = await screen.findByTestId("edit-conflict");
    await user.click(within(conflict).getByRole("radio", { name: "Edit a merged text" }));
    const merged = within(conflict).getByLabelText<HTMLTextAreaElement>("Merged text");
    expect(merged.value).toBe("Release them today.");
    await user.clear(merged);
    await user.type(merged, "Release them all today.");
    // Back to the editor first: the choice is applied there, nothing saved yet.
    await user.click(within(conflict).getByRole("button", { name: "Apply and keep editing" }));
    expect(screen.getByRole("status").textContent).toBe(
      "Your choices were applied to the current text. Nothing is saved yet.",
    );
    expect(textOf(4).value).toBe("Release them all today.");
    expect(screen.getByText(/^Based on revision 4\./u)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Saved as revision 5.");
    const second = calls.calls("PUT", TEXT_PATH)[1];
    expect(second?.headers.get("If-Match")).toBe('"r4"');
    expect(byId(sent(second), "ask000000001")?.text).toBe("Release them all today.");
  });

  it("keeps the text when the server refuses (frozen, unknown base) and says why", async () => {
    let answer = problem(409, "text_frozen");
    server(() => answer);
    const user = await openEditor();
    await replaceText(user, 4, "Release them, all of them.");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "The text cannot change in this state. A coordinator moves the appeal back to review first. Your text is still here.",
    );
    expect(textOf(4).value).toBe("Release them, all of them.");

    answer = problem(412, "version_mismatch");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("is not known here any more"));
    expect(textOf(4).value).toBe("Release them, all of them.");
  });

  it("keeps unsaved work across tabs and pages, and warns before the page unloads", async () => {
    server(() => ({ body: textRead() }));
    const { unmount } = renderApp(`/appeals/${APPEAL_ID}?tab=edit`);
    await screen.findByRole("group", { name: "Block 1" });
    const user = userEvent.setup({ delay: null });
    await replaceText(user, 4, "Typed but not saved.");
    const unload = new Event("beforeunload", { cancelable: true });
    window.dispatchEvent(unload);
    expect(unload.defaultPrevented).toBe(true);

    await user.click(screen.getByRole("tab", { name: "Text" }));
    await user.click(screen.getByRole("tab", { name: "Edit" }));
    expect(textOf(4).value).toBe("Typed but not saved.");

    // The appeal's page left and opened again: the work is still here, and it says so.
    unmount();
    renderApp(`/appeals/${APPEAL_ID}?tab=edit`);
    expect(
      await screen.findByText("Your unsaved changes to this text were kept and are back in the editor."),
    ).toBeTruthy();
    expect(textOf(4).value).toBe("Typed but not saved.");
  });
});

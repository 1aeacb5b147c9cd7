import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { confirmInPage } from "../../../test/confirmInPage";
import { fakeServer, problem, type Answer, type Seen } from "../../../test/fakeServer";
import type { Translation, TranslationSummary } from "../api";
import { TranslationsPanel } from "./TranslationsPanel";
import { appealBody, appealPath, at, expectAccessible, renderPanel } from "./testkit";

const SOURCE = [
  { id: "title0001", kind: "title" as const, text: "Free the prisoners of conscience" },
  { id: "para0001", kind: "paragraph" as const, text: "We ask you to free all detained prisoners." },
  { id: "para0003", kind: "ask" as const, text: "Release them now." },
];

const summary = (overrides: Partial<TranslationSummary> = {}): TranslationSummary => ({
  language: "uk",
  head_number: 2,
  sha256: "c".repeat(64),
  source_sha256: "d".repeat(64),
  source_number: 2,
  stale: true,
  approved: false,
  ...overrides,
});

/** Ukrainian, made from revision 2; revision 3 changed a paragraph, removed one and added a demand. */
function staleUk(overrides: Partial<Translation> = {}): Translation {
  return {
    ...summary(),
    blocks: [
      { id: "title0001", kind: "title", text: "Звільніть вʼязнів сумління" },
      { id: "para0001", kind: "paragraph", text: "Ми просимо звільнити всіх політвʼязнів." },
      { id: "para0002", kind: "paragraph", text: "Дякуємо за увагу." },
    ],
    source_blocks: SOURCE,
    source_diff: {
      from_number: 2,
      to_number: 3,
      summary: { added: 1, removed: 1, changed: 1, moved: 0 },
      blocks: [
        { op: "same", moved: false, id: "title0001", kind: "title", old_kind: null, segments: [] },
        {
          op: "changed",
          moved: false,
          id: "para0001",
          kind: "paragraph",
          old_kind: null,
          segments: [
            { op: "equal", text: "We ask you to free all " },
            { op: "delete", text: "political" },
            { op: "insert", text: "detained" },
            { op: "equal", text: " prisoners." },
          ],
        },
        {
          op: "removed",
          moved: false,
          id: "para0002",
          kind: "paragraph",
          old_kind: null,
          segments: [{ op: "delete", text: "Thank you for your attention." }],
        },
        {
          op: "added",
          moved: false,
          id: "para0003",
          kind: "ask",
          old_kind: null,
          segments: [{ op: "insert", text: "Release them now." }],
        },
      ],
    },
    ...overrides,
  };
}

/** The same translation once it follows revision 3 (every source block translated). */
function currentUk(overrides: Partial<Translation> = {}): Translation {
  return {
    ...staleUk(),
    head_number: 3,
    sha256: "e".repeat(64),
    stale: false,
    source_number: 3,
    blocks: [
      { id: "title0001", kind: "title", text: "Звільніть вʼязнів сумління" },
      { id: "para0001", kind: "paragraph", text: "Ми просимо звільнити всіх затриманих." },
      { id: "para0003", kind: "ask", text: "Звільніть їх зараз." },
    ],
    source_diff: null,
    ...overrides,
  };
}

type Handler = Answer | ((seen: Seen) => Answer);

function server(items: TranslationSummary[], routes: Record<string, Handler> = {}) {
  return fakeServer({
    [`GET ${appealPath}`]: { body: appealBody() },
    [`GET ${appealPath}/translations`]: { body: { items } },
    ...routes,
  });
}

const textOf = (element: Element | null | undefined) => element?.textContent ?? "";

describe("translations", () => {
  it("lists each language by name with whether it is stale and approved", async () => {
    server([summary(), summary({ language: "pl", stale: false, approved: true, source_number: 3 })]);
    const { container } = renderPanel(TranslationsPanel);
    const rows = await screen.findAllByTestId("translation");
    expect(textOf(at(rows, 0))).toContain("Ukrainian (uk)");
    expect(within(at(rows, 0)).getByText("Stale — the source changed since revision 2")).toBeTruthy();
    expect(within(at(rows, 0)).getByText("Not approved")).toBeTruthy();
    expect(textOf(at(rows, 1))).toContain("Polish (pl)");
    expect(within(at(rows, 1)).getByText("Approved")).toBeTruthy();
    expect(screen.getByText("The appeal is written in English (en).")).toBeTruthy();
    await expectAccessible(container);
  });

  it("checks the language tag before starting a translation, and opens it", async () => {
    const calls = server([summary()], {
      [`POST ${appealPath}/translations`]: {
        status: 201,
        body: currentUk({ language: "pl", head_number: 1, approved: false }),
        headers: { ETag: '"pl-1"' },
      },
      [`GET ${appealPath}/translations/pl`]: {
        body: currentUk({ language: "pl", head_number: 1 }),
        headers: { ETag: '"pl-1"' },
      },
    });
    renderPanel(TranslationsPanel);
    const user = userEvent.setup();
    const tag = await screen.findByLabelText("Language tag");
    const add = screen.getByRole("button", { name: "Start translation" });

    await user.type(tag, "not a tag!");
    expect(textOf(screen.getByTestId("language-preview"))).toBe("That is not a valid language tag.");
    await user.click(add);
    expect(textOf(screen.getByRole("alert"))).toBe("That is not a valid language tag.");
    expect(tag.getAttribute("aria-invalid")).toBe("true");

    await user.clear(tag);
    await user.type(tag, "UK");
    await user.click(add);
    expect(textOf(screen.getByRole("alert"))).toBe("There is already a translation into that language.");
    await user.clear(tag);
    await user.type(tag, "en");
    await user.click(add);
    expect(textOf(screen.getByRole("alert"))).toBe("The appeal is already written in that language.");
    expect(calls.calls("POST", `${appealPath}/translations`)).toHaveLength(0);

    await user.clear(tag);
    await user.type(tag, "pl");
    expect(textOf(screen.getByTestId("language-preview"))).toBe("Language: Polish (pl)");
    await user.click(add);
    expect(await screen.findByRole("heading", { name: "Translation: Polish (pl)" })).toBeTruthy();
    expect(calls.calls("POST", `${appealPath}/translations`).map((c) => c.body)).toEqual([{ language: "pl" }]);
    const started = screen.getByText(/^Translation into Polish \(pl\) started as a copy of the current text/);
    expect(started.getAttribute("role")).toBe("status");
    expect(await screen.findByLabelText("Block 1 (title), translation")).toBeTruthy();
  });

  it("shows what changed in the source of a stale translation, and does not offer to approve it", async () => {
    server([summary()], {
      [`GET ${appealPath}/translations/uk`]: { body: staleUk(), headers: { ETag: '"uk-2"' } },
    });
    const { container } = renderPanel(TranslationsPanel);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Open: Ukrainian (uk)" }));

    const diff = await screen.findByTestId("source-diff");
    expect(within(diff).getByRole("heading").textContent).toBe(
      "The source changed since revision 2; it is now revision 3",
    );
    const changed = diff.querySelectorAll("li");
    expect(changed).toHaveLength(3); // the unchanged title is left out
    expect(textOf(at([...changed], 0))).toContain("Changed (paragraph)");
    expect(textOf(at([...changed], 0).querySelector("del"))).toBe("Deleted: political");
    expect(textOf(at([...changed], 0).querySelector("ins"))).toBe("Inserted: detained");
    expect(textOf(at([...changed], 1))).toContain("Removed (paragraph)");
    expect(textOf(at([...changed], 2))).toContain("Added (demand)");

    // The current source's blocks: the removed paragraph is gone, the new demand starts as the source text.
    const pairs = screen.getAllByTestId("translation-block");
    expect(pairs).toHaveLength(3);
    expect(screen.getByLabelText<HTMLTextAreaElement>("Block 2 (paragraph), translation").value).toBe(
      "Ми просимо звільнити всіх політвʼязнів.",
    );
    const demand = screen.getByLabelText<HTMLTextAreaElement>("Block 3 (demand), translation");
    expect(demand.value).toBe("Release them now.");
    expect(textOf(at(pairs, 2))).toContain("New in the source — not translated yet");
    expect(textOf(at(pairs, 1))).toContain("The source of this block changed");
    expect(screen.queryByText("Дякуємо за увагу.")).toBeNull();

    expect(screen.queryByRole("button", { name: "Approve this translation" })).toBeNull();
    expect(textOf(screen.getByTestId("stale-no-approval"))).toBe(
      "A stale translation cannot be approved: update it to the current source and save it first.",
    );
    await expectAccessible(container);
  });

  it("saves with the ETag it read; when someone saved meanwhile, keeps what was typed beside their text", async () => {
    const theirs = staleUk({
      head_number: 3,
      blocks: [
        { id: "title0001", kind: "title", text: "Звільніть вʼязнів сумління" },
        { id: "para0001", kind: "paragraph", text: "Просимо звільнити всіх затриманих (їхня версія)." },
        { id: "para0002", kind: "paragraph", text: "Дякуємо за увагу." },
      ],
    });
    let reads = 0;
    let saves = 0;
    const calls = server([summary()], {
      [`GET ${appealPath}/translations/uk`]: () =>
        ++reads === 1
          ? { body: staleUk(), headers: { ETag: '"uk-2"' } }
          : { body: theirs, headers: { ETag: '"uk-3"' } },
      [`PUT ${appealPath}/translations/uk/text`]: () =>
        ++saves === 1
          ? problem(412, "version_mismatch")
          : { body: currentUk({ head_number: 4 }), headers: { ETag: '"uk-4"' } },
    });
    renderPanel(TranslationsPanel);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Open: Ukrainian (uk)" }));
    const paragraph = await screen.findByLabelText<HTMLTextAreaElement>("Block 2 (paragraph), translation");
    await user.clear(paragraph);
    await user.type(paragraph, "Ми просимо звільнити всіх затриманих.");
    await user.click(screen.getByRole("button", { name: "Save translation" }));

    const warning = await screen.findByText(/Someone saved this translation meanwhile/);
    expect(warning.getAttribute("role")).toBe("alert");
    expect(paragraph.value).toBe("Ми просимо звільнити всіх затриманих.");
    expect(textOf(screen.getByTestId("saved-meanwhile"))).toContain("Просимо звільнити всіх затриманих (їхня версія).");
    const first = at(calls.calls("PUT", `${appealPath}/translations/uk/text`), 0);
    expect(first.headers.get("If-Match")).toBe('"uk-2"');
    expect(first.body).toEqual({
      blocks: [
        { id: "title0001", kind: "title", text: "Звільніть вʼязнів сумління" },
        { id: "para0001", kind: "paragraph", text: "Ми просимо звільнити всіх затриманих." },
        { id: "para0003", kind: "ask", text: "Release them now." },
      ],
    });

    await user.click(screen.getByRole("button", { name: "Save translation" }));
    expect(textOf(await screen.findByRole("status"))).toBe("Translation saved as revision 4.");
    const second = at(calls.calls("PUT", `${appealPath}/translations/uk/text`), 1);
    expect(second.headers.get("If-Match")).toBe('"uk-3"');
    expect(second.body).toEqual(first.body);
    await waitFor(() => expect(screen.queryByTestId("saved-meanwhile")).toBeNull());
  });

  it("approves the exact translation hash after confirming, once changes are saved", async () => {
    const calls = server([summary({ stale: false, sha256: "e".repeat(64) })], {
      [`GET ${appealPath}/translations/uk`]: { body: currentUk(), headers: { ETag: '"uk-3"' } },
      [`POST ${appealPath}/translations/uk/approval`]: { body: currentUk({ approved: true }) },
    });
    renderPanel(TranslationsPanel);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Open: Ukrainian (uk)" }));
    const approveButton = await screen.findByRole<HTMLButtonElement>("button", { name: "Approve this translation" });
    expect(screen.queryByTestId("source-diff")).toBeNull();

    const title = screen.getByLabelText("Block 1 (title), translation");
    await user.type(title, "!");
    expect(approveButton.disabled).toBe(true);
    expect(screen.getByText("Save your changes first: an approval is for the saved text.")).toBeTruthy();
    await user.type(title, "{Backspace}");
    expect(approveButton.disabled).toBe(false);

    await user.click(approveButton);
    const dialog = await screen.findByRole("dialog", { name: "Approve the translation: Ukrainian (uk)?" });
    expect(dialog.textContent).toContain(`exactly revision 3 of this translation (SHA-256 ${"e".repeat(64)})`);
    await confirmInPage(user, /Approve the translation/, "Approve translation");

    expect(textOf(await screen.findByRole("status"))).toBe("Translation approved: Ukrainian (uk), revision 3.");
    expect(calls.calls("POST", `${appealPath}/translations/uk/approval`).map((c) => c.body)).toEqual([
      { sha256: "e".repeat(64) },
    ]);
    expect(screen.queryByRole("button", { name: "Approve this translation" })).toBeNull();
  });
});

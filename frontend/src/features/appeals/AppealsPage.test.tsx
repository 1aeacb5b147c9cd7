import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import { setLanguage } from "../../i18n";
import { fakeServer } from "../../test/fakeServer";
import { current, renderApp } from "../../test/renderApp";
import { APPEAL_ID, ORG_ID, appeal, session, summary, textRead } from "./fixtures";

const ORG = {
  id: ORG_ID,
  name: "Forum of the Free",
  short_name: "FF",
  country: "LT",
  description: null,
  contact: null,
  created_at: "2026-03-01T10:00:00Z",
  updated_at: null,
};
const OTHER_ORG = { ...ORG, id: "0190b7a0-0000-7000-8000-00000000a002", name: "Not mine", short_name: "NM" };

const many = (from: number, count: number, state: "draft" | "review" = "draft") =>
  Array.from({ length: count }, (_, i) =>
    summary({
      id: `0190b7a0-0000-7000-8000-0000000a${String(from + i).padStart(4, "0")}`,
      title: `Appeal ${from + i}`,
      state,
    }),
  );

/** A serious or critical axe violation, readable. */
async function blockingViolations(root: Element) {
  const result = await axe.run(root, { rules: { "color-contrast": { enabled: false } } });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

// Whole pages with many keystrokes: slower than the default 5 s on a busy machine.
describe("the appeals list", { timeout: 20_000 }, () => {
  it("filters by state and loads one more page at a time", async () => {
    const server = fakeServer({
      "GET /api/auth/session": { body: session },
      "GET /api/organizations": { body: { items: [ORG], next_cursor: null } },
      "GET /api/appeals": (seen) => {
        const query = new URL(seen.url).searchParams;
        if (query.get("state") === "review") return { body: { items: many(100, 2, "review"), next_cursor: null } };
        if (query.get("cursor") === "page2") return { body: { items: many(51, 3), next_cursor: null } };
        return { body: { items: many(1, 50), next_cursor: "page2" } };
      },
    });
    renderApp("/appeals");
    const user = userEvent.setup({ delay: null });
    const list = await screen.findByTestId("appeals-list");
    expect(within(list).getAllByRole("listitem")).toHaveLength(50);
    const first = within(list).getAllByRole("listitem")[0];
    expect(first?.textContent).toContain("Lead: Forum of the Free");
    expect(first?.textContent).toContain("Revision 3");
    expect(first?.textContent).toContain("Draft");
    expect(within(list).getByRole("link", { name: "Appeal 1" }).getAttribute("href")).toBe(
      `/appeals/0190b7a0-0000-7000-8000-0000000a0001`,
    );
    expect(screen.getByTestId("appeals-count").textContent).toBe("Appeals shown: 50");

    await user.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(within(screen.getByTestId("appeals-list")).getAllByRole("listitem")).toHaveLength(53));
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
    expect(new URL(server.calls("GET", "/api/appeals")[1]?.url ?? "").searchParams.get("cursor")).toBe("page2");

    await user.selectOptions(screen.getByLabelText("State"), "review");
    await waitFor(() => expect(within(screen.getByTestId("appeals-list")).getAllByRole("listitem")).toHaveLength(2));
    expect(within(screen.getByTestId("appeals-list")).getAllByText("In review")).toHaveLength(2);
    const last = server.calls("GET", "/api/appeals").at(-1);
    expect(new URL(last?.url ?? "").searchParams.get("state")).toBe("review");
    expect(new URL(last?.url ?? "").searchParams.get("cursor")).toBeNull();
    expect(await blockingViolations(document.body)).toEqual([]);
  });

  it("imports a pasted letter, shows what it made and left out, then creates the appeal", async () => {
    const created = appeal({ id: APPEAL_ID, title: "Free them all" });
    const server = fakeServer({
      "GET /api/auth/session": { body: session },
      "GET /api/organizations": { body: { items: [ORG, OTHER_ORG], next_cursor: null } },
      "GET /api/appeals": { body: { items: [], next_cursor: null } },
      "POST /api/appeals/import": {
        body: {
          blocks: [
            { id: "imp000000001", kind: "title", text: "Free them all" },
            { id: "imp000000002", kind: "salutation", text: "Dear Minister," },
            { id: "imp000000003", kind: "paragraph", text: "We **urge** you to:" },
            { id: "imp000000004", kind: "ask", text: "release them;" },
            { id: "imp000000005", kind: "ask", text: "end the trials." },
            { id: "imp000000006", kind: "closing", text: "Sincerely," },
          ],
          skipped: [
            { kind: "date", text: "1 March 2026" },
            { kind: "addressee", text: "Ministry of Justice" },
            { kind: "signature", text: "Viasna" },
          ],
        },
      },
      "POST /api/appeals": { status: 201, body: created },
      [`GET /api/appeals/${APPEAL_ID}`]: { body: created },
      [`GET /api/appeals/${APPEAL_ID}/text`]: { body: textRead(), headers: { ETag: '"r3"' } },
      [`GET /api/appeals/${APPEAL_ID}/comments`]: { body: { items: [] } },
    });
    renderApp("/appeals");
    const user = userEvent.setup({ delay: null });
    expect(await screen.findByText("No appeals yet.")).toBeTruthy();

    // A member leads only for their own organization.
    const lead = await screen.findByLabelText("Lead organization");
    expect(
      within(lead)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Forum of the Free"]);
    const language = screen.getByLabelText("Language of the text");
    expect(screen.getByText("A BCP 47 tag such as en, be or ru. This one is: English.")).toBeTruthy();
    await user.clear(language);
    await user.type(language, "be");
    expect(screen.getByText("A BCP 47 tag such as en, be or ru. This one is: Belarusian.")).toBeTruthy();

    await user.type(screen.getByLabelText("Paste a letter to import"), "1 March 2026{enter}{enter}Dear Minister,");
    await user.click(screen.getByRole("button", { name: "Import" }));
    const preview = await screen.findByTestId("import-preview");
    expect(within(preview).getByRole("heading", { name: "Blocks from the letter: 6" })).toBeTruthy();
    const items = within(preview)
      .getAllByRole("listitem")
      .map((li) => li.textContent);
    expect(items).toEqual([
      "Title Free them all",
      "Salutation Dear Minister,",
      "Paragraph We urge you to:",
      "Ask 1 release them;",
      "Ask 2 end the trials.",
      "Closing Sincerely,",
      "Date 1 March 2026",
      "Addressee Ministry of Justice",
      "Signature Viasna",
    ]);
    expect(within(preview).getByText("urge").tagName).toBe("STRONG");
    expect(within(preview).getByRole("heading", { name: "Lines left out" })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toBe(
      "Letter imported: check the blocks below, then create the appeal.",
    );
    // The title came from the letter.
    expect(screen.getByLabelText<HTMLInputElement>("Title").value).toBe("Free them all");

    await user.click(screen.getByRole("button", { name: "Create appeal" }));
    await waitFor(() => expect(current.location?.pathname).toBe(`/appeals/${APPEAL_ID}`));
    expect(server.calls("POST", "/api/appeals")[0]?.body).toEqual({
      lead_organization_id: ORG_ID,
      title: "Free them all",
      language: "be",
      blocks: [
        { id: "imp000000001", kind: "title", text: "Free them all" },
        { id: "imp000000002", kind: "salutation", text: "Dear Minister," },
        { id: "imp000000003", kind: "paragraph", text: "We **urge** you to:" },
        { id: "imp000000004", kind: "ask", text: "release them;" },
        { id: "imp000000005", kind: "ask", text: "end the trials." },
        { id: "imp000000006", kind: "closing", text: "Sincerely," },
      ],
    });
    expect(await screen.findByText("Appeal created.")).toBeTruthy();
  });

  it("refuses a language that is not a BCP 47 tag", async () => {
    fakeServer({
      "GET /api/auth/session": { body: session },
      "GET /api/organizations": { body: { items: [ORG], next_cursor: null } },
      "GET /api/appeals": { body: { items: [], next_cursor: null } },
    });
    renderApp("/appeals");
    const user = userEvent.setup({ delay: null });
    const language = await screen.findByLabelText("Language of the text");
    await user.type(screen.getByLabelText("Title"), "T");
    await user.clear(language);
    await user.type(language, "not a tag");
    expect(screen.getByText("Not a language tag: write one such as en, be or ru.")).toBeTruthy();
    expect(language.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Create appeal" }).disabled).toBe(true);
  });

  it("shows the newest appeals on the home page, in Russian", async () => {
    await setLanguage("ru");
    fakeServer({
      "GET /api/auth/session": { body: session },
      "GET /api/organizations": { body: { items: [ORG], next_cursor: null } },
      "GET /api/appeals": { body: { items: many(1, 8, "review"), next_cursor: "more" } },
    });
    renderApp("/");
    const section = await screen.findByTestId("your-appeals");
    expect(within(section).getByRole("heading").textContent).toBe("Ваши обращения");
    await waitFor(() => expect(within(section).getAllByRole("listitem")).toHaveLength(5));
    expect(within(section).getAllByText("На рассмотрении")).toHaveLength(5);
    expect(within(section).getByRole("link", { name: "Все обращения" }).getAttribute("href")).toBe("/appeals");
    expect(
      within(screen.getByRole("navigation", { name: "Главное меню" })).getByRole("link", { name: "Обращения" }),
    ).toBeTruthy();
  });
});

import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { fakeServer, problem } from "../../../test/fakeServer";
import { APPEAL_ID, HASH } from "../../appeals/fixtures";
import { LettersSection } from "./LettersSection";

const DK = "0190b7a0-0000-7000-8000-00000000d001";
const LT = "0190b7a0-0000-7000-8000-00000000d002";
const BASE = `/api/appeals/${APPEAL_ID}`;

const index = {
  sha256: HASH,
  source_language: "en",
  recipients: [
    {
      recipient_id: DK,
      name: "Denmark — Minister for Foreign Affairs",
      kind: "ministry",
      country: "DK",
      preferred_language: "en",
      language: "en",
      translated: false,
    },
    {
      recipient_id: LT,
      name: "Літва — Міністр",
      kind: "ministry",
      country: "LT",
      preferred_language: "be",
      language: "be",
      translated: true,
    },
  ],
};

describe("letters per recipient", () => {
  it("previews a letter and links its PDF and text, dated as chosen", async () => {
    fakeServer({
      [`GET ${BASE}/letters`]: { body: index },
      [`GET ${BASE}/letters/${LT}`]: {
        body: {
          recipient_id: LT,
          recipient_name: "Літва — Міністр",
          language: "be",
          translated: true,
          date: "2026-03-16",
          sha256: HASH,
          verify_url: "http://localhost/sign/x",
          text: "16 сакавіка 2026 г.\n\nСпадару Міністру\n\n1. Вызваліць усіх.",
        },
      },
    });
    render(<LettersSection appealId={APPEAL_ID} canEdit={false} />);
    const user = userEvent.setup({ delay: null });
    const section = await screen.findByTestId("letters");
    expect(within(section).getByText(/in the approved translation \(be\)/)).toBeTruthy();
    await user.type(within(section).getByLabelText("Date on the letters"), "2026-03-16");
    const pdf = within(section).getByRole("link", { name: "PDF: Літва — Міністр" });
    expect(pdf.getAttribute("href")).toBe(`${BASE}/letters/${LT}.pdf?date=2026-03-16`);
    await user.click(within(section).getByRole("button", { name: "Preview: Літва — Міністр" }));
    const preview = await screen.findByTestId("letter-preview");
    expect(within(preview).getByRole("heading", { name: "Letter to Літва — Міністр" })).toBeTruthy();
    expect(preview.textContent).toContain("1. Вызваліць усіх.");
    // Readers do not get the closing phrase editor.
    expect(screen.queryByTestId("letter-closing")).toBeNull();
  });

  it("says why there are no letters before the text is frozen", async () => {
    fakeServer({ [`GET ${BASE}/letters`]: problem(409, "appeal_not_frozen") });
    render(<LettersSection appealId={APPEAL_ID} canEdit />);
    expect((await screen.findByTestId("letters-not-frozen")).textContent).toContain(
      "Open the appeal for signatures first",
    );
  });

  it("saves the closing phrase with the ETag it read", async () => {
    const server = fakeServer({
      [`GET ${BASE}/letters`]: { body: index },
      [`GET ${BASE}/letter-closing`]: { body: { text: null }, headers: { ETag: '"0"' } },
      [`PUT ${BASE}/letter-closing`]: (seen) => ({
        body: { text: (seen.body as { text: string }).text },
        headers: { ETag: '"2"' },
      }),
    });
    render(<LettersSection appealId={APPEAL_ID} canEdit />);
    const user = userEvent.setup({ delay: null });
    const form = await screen.findByTestId("letter-closing");
    await user.type(within(form).getByLabelText("Printed after the signatories"), "as well as others");
    await user.click(within(form).getByRole("button", { name: "Save the closing phrase" }));
    expect(await within(form).findByRole("status")).toBeTruthy();
    const put = server.calls("PUT", `${BASE}/letter-closing`)[0];
    expect(put?.headers.get("If-Match")).toBe('"0"');
    expect(put?.body).toEqual({ text: "as well as others" });
  });

  it("downloads the chosen letters as one ZIP", async () => {
    const server = fakeServer({
      [`GET ${BASE}/letters`]: { body: index },
      [`POST ${BASE}/letters/batch`]: { body: "zip" },
    });
    // jsdom has no object URLs: give the browser's two functions for this test only
    // (vite.config.ts unstubs globals after each test).
    vi.stubGlobal(
      "URL",
      Object.assign(class extends URL {}, { createObjectURL: () => "blob:zip", revokeObjectURL: () => undefined }),
    );
    render(<LettersSection appealId={APPEAL_ID} canEdit={false} />);
    const user = userEvent.setup({ delay: null });
    const section = await screen.findByTestId("letters");
    const zip = within(section).getByRole("button", { name: "Download the chosen letters as ZIP (0)" });
    expect((zip as HTMLButtonElement).disabled).toBe(true);
    await user.click(within(section).getByRole("checkbox", { name: /Denmark/ }));
    await user.click(within(section).getByRole("button", { name: "Download the chosen letters as ZIP (1)" }));
    await waitFor(() => expect(server.calls("POST", `${BASE}/letters/batch`)).toHaveLength(1));
    expect(server.calls("POST", `${BASE}/letters/batch`)[0]?.body).toEqual({ recipient_ids: [DK], date: null });
    expect(await screen.findByText("Letters downloaded as ZIP: 1.")).toBeTruthy();
  });
});

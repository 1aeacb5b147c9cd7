import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeServer, sessionBody } from "../../../test/fakeServer";
import { renderApp } from "../../../test/renderApp";
import type { Dashboard } from "./api";

const COORDINATOR = { body: sessionBody({ roles: ["coordinator"], totp_enabled: true }) };

const A1 = "00000000-0000-7000-8000-000000000001";
const DK = "00000000-0000-7000-8000-0000000000d1";
const DE = "00000000-0000-7000-8000-0000000000d2";

function dashboard(): Dashboard {
  return {
    appeals: [{ id: A1, title: "Free the reporters", state: "open" }],
    recipients: [
      { id: DE, name: "Germany — Foreign Office", country: "DE" },
      { id: DK, name: "Denmark — Prime Minister", country: "DK" },
    ],
    cells: [
      { appeal_id: A1, recipient_id: DK, status: "responded" },
      { appeal_id: A1, recipient_id: DE, status: "overdue" },
    ],
    by_appeal: [{ appeal_id: A1, sent_to: 2, answered: 1, rate: 0.5, median_days: 6 }],
    by_country: [
      { country: "DE", sent_to: 1, answered: 0, rate: 0, median_days: null },
      { country: "DK", sent_to: 1, answered: 1, rate: 1, median_days: 6 },
    ],
    stances: [
      {
        appeal_id: A1,
        asks: [{ id: "ask-1", number: 1, text: "Release them." }],
        cells: [{ recipient_id: DK, ask_id: "ask-1", stance: "supports" }],
      },
    ],
  };
}

describe("the outreach dashboard", { timeout: 30_000 }, () => {
  it("shows the status matrix, the figures and the stances", async () => {
    fakeServer({ "GET /api/auth/session": COORDINATOR, "GET /api/outreach/dashboard": { body: dashboard() } });
    renderApp("/outreach");
    // Coordinators find it in the menu.
    expect(await screen.findByRole("link", { name: "Outreach dashboard" })).toBeTruthy();
    const matrix = await screen.findByTestId("status-matrix");
    const germany = within(matrix)
      .getByRole("rowheader", { name: /Germany — Foreign Office/ })
      .closest("tr");
    expect(germany?.textContent).toMatch(/Overdue/i);
    expect(screen.getByTestId("overdue-count").textContent).toBe("Overdue: 1");
    const byAppeal = screen.getByTestId("by-appeal");
    expect(within(byAppeal).getByText("50%")).toBeTruthy();
    const byCountry = screen.getByTestId("by-country");
    expect(within(byCountry).getByRole("rowheader", { name: "Denmark" }).closest("tr")?.textContent).toContain("100%");
    const stances = screen.getByTestId("stances");
    expect(
      within(stances).getByRole("rowheader", { name: "Denmark — Prime Minister" }).closest("tr")?.textContent,
    ).toMatch(/Supports/i);
    expect(screen.getAllByRole("button", { name: "Download as CSV" })).toHaveLength(4);
  });
});

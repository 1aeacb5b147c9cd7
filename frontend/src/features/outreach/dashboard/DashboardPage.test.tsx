import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeServer, sessionBody } from "../../../test/fakeServer";
import { renderApp } from "../../../test/renderApp";
import type { Dashboard } from "./api";

const COORDINATOR = { body: sessionBody({ roles: ["coordinator"], totp_enabled: true }) };

const A1 = "00000000-0000-7000-8000-000000000001";
const A2 = "00000000-0000-7000-8000-000000000002";
const DK = "00000000-0000-7000-8000-0000000000d1";
const DE = "00000000-0000-7000-8000-0000000000d2";

function dashboard(): Dashboard {
  return {
    appeals: [
      { id: A1, title: "Free the reporters", state: "open" },
      { id: A2, title: "Stop the trials", state: "open" },
    ],
    recipients: [
      { id: DE, name: "Germany — Foreign Office", country: "DE" },
      { id: DK, name: "Denmark — Prime Minister", country: "DK" },
    ],
    // A row per appeal, a column per recipient (DE, DK): A2 was not sent to Germany.
    statuses: [
      ["overdue", "responded"],
      [null, "acknowledged"],
    ],
    by_appeal: [
      { appeal_id: A1, sent_to: 2, answered: 1, rate: 0.5, median_days: 6 },
      { appeal_id: A2, sent_to: 1, answered: 1, rate: 1, median_days: 0 },
    ],
    by_country: [
      { country: "DE", sent_to: 1, answered: 0, rate: 0, median_days: null },
      { country: "DK", sent_to: 1, answered: 1, rate: 1, median_days: 6 },
    ],
    stances: [
      {
        appeal_id: A1,
        asks: [{ id: "ask-1", number: 1, text: "Release them." }],
        rows: [{ recipient: 1, stances: ["supports"] }],
      },
      { appeal_id: A2, asks: [], rows: [] },
    ],
    timeline: {
      // Every week to this one overall; each appeal's own weeks only where it had something.
      weeks: [
        { week: "2026-03-02", dispatched: 2, responded: 0 },
        { week: "2026-03-09", dispatched: 1, responded: 1 },
        { week: "2026-03-16", dispatched: 0, responded: 0 },
        { week: "2026-03-23", dispatched: 0, responded: 1 },
      ],
      by_appeal: [
        {
          appeal_id: A1,
          weeks: [
            { week: "2026-03-02", dispatched: 2, responded: 0 },
            { week: "2026-03-23", dispatched: 0, responded: 1 },
          ],
        },
        { appeal_id: A2, weeks: [{ week: "2026-03-09", dispatched: 1, responded: 1 }] },
      ],
    },
  };
}

describe("the outreach dashboard", { timeout: 30_000 }, () => {
  // jsdom draws nothing: its canvas has no 2D context (as in a browser refusing canvas), and
  // the page must still give every number, in its tables.
  beforeEach(() => {
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(null);
  });

  it("shows the status matrix, the figures and the stances", async () => {
    fakeServer({ "GET /api/auth/session": COORDINATOR, "GET /api/outreach/dashboard": { body: dashboard() } });
    renderApp("/outreach");
    // Coordinators find it in the menu.
    expect(await screen.findByRole("link", { name: "Outreach dashboard" })).toBeTruthy();
    const matrix = await screen.findByTestId("status-matrix");
    const germany = within(matrix)
      .getByRole("rowheader", { name: /Germany — Foreign Office/ })
      .closest("tr");
    // Its cells in the appeals' order: overdue for the first, not sent the second.
    expect([...(germany?.querySelectorAll("td") ?? [])].map((cell) => cell.textContent)).toEqual(["Overdue", "—"]);
    const denmark = within(matrix)
      .getByRole("rowheader", { name: /Denmark — Prime Minister/ })
      .closest("tr");
    expect([...(denmark?.querySelectorAll("td") ?? [])].map((cell) => cell.textContent)).toEqual([
      "Responded",
      "Acknowledged",
    ]);
    expect(screen.getByTestId("overdue-count").textContent).toBe("Overdue: 1");
    const byAppeal = screen.getByTestId("by-appeal");
    expect(within(byAppeal).getByText("50%")).toBeTruthy();
    const byCountry = screen.getByTestId("by-country");
    expect(within(byCountry).getByRole("rowheader", { name: "Denmark" }).closest("tr")?.textContent).toContain("100%");
    const stances = screen.getByTestId("stances");
    expect(
      within(stances).getByRole("rowheader", { name: "Denmark — Prime Minister" }).closest("tr")?.textContent,
    ).toMatch(/Supports/i);
    expect(screen.getAllByRole("button", { name: "Download as CSV" })).toHaveLength(5);
  });

  it("draws the figures and the weeks as charts over their tables", async () => {
    fakeServer({ "GET /api/auth/session": COORDINATOR, "GET /api/outreach/dashboard": { body: dashboard() } });
    renderApp("/outreach");
    const timeline = await screen.findByTestId("timeline");
    const rows = () =>
      within(timeline)
        .getAllByRole("row")
        .slice(1)
        .map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.textContent));
    expect(rows()).toEqual([
      ["Mar 2, 2026", "2", "0"],
      ["Mar 9, 2026", "1", "1"],
      ["Mar 16, 2026", "0", "0"],
      ["Mar 23, 2026", "0", "1"],
    ]);
    // The charts are images with a summary; the tables above stay the source of each number.
    expect(
      screen
        .getByRole("img", { name: /^Line chart of the dispatches and responses per week/ })
        .getAttribute("aria-label"),
    ).toBe(
      "Line chart of the dispatches and responses per week, from the week of Mar 2, 2026 to the week of Mar 23, 2026; " +
        "dispatches sent: 3, responses received: 2. The table below gives every week.",
    );
    expect(screen.getByRole("img", { name: /response rate per appeal, from 50% to 100%/ })).toBeTruthy();
    expect(screen.getByRole("img", { name: /median days to a response per country, from 6 to 6/ })).toBeTruthy();
    expect(screen.getByTestId("timeline-chart").querySelector("canvas")).toBeTruthy();

    // One appeal: its weeks from its first, the quiet ones in between filled in.
    const section = timeline.closest("section");
    if (!section) throw new Error("the timeline has no section");
    await userEvent.selectOptions(within(section).getByRole("combobox", { name: "Appeal" }), "Stop the trials");
    expect(rows()).toEqual([
      ["Mar 9, 2026", "1", "1"],
      ["Mar 16, 2026", "0", "0"],
      ["Mar 23, 2026", "0", "0"],
    ]);
    expect(screen.getByRole("img", { name: /dispatches sent: 1, responses received: 1/ })).toBeTruthy();
  });
});

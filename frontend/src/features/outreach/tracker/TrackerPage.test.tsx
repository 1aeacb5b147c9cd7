import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeServer, problem } from "../../../test/fakeServer";
import { renderApp } from "../../../test/renderApp";
import { APPEAL_ID, HASH } from "../../appeals/fixtures";
import type { PublicTracker } from "./api";

const ANONYMOUS = { body: { state: "anonymous", ended: null } };
const TRACKER = `/api/public/trackers/${APPEAL_ID}`;

function tracker(): PublicTracker {
  return {
    appeal_id: APPEAL_ID,
    title: "Free the imprisoned reporters",
    revision_sha256: HASH,
    published_at: "2026-11-25T10:00:00Z",
    blocks: [
      { id: "b-title", kind: "title", text: "Free the imprisoned reporters" },
      { id: "ask-1", kind: "ask", text: "Release every reporter." },
      { id: "ask-2", kind: "ask", text: "Raise their cases." },
    ],
    counts: {
      exact: false,
      total: 240,
      organizations: 12,
      people: 228,
      by_tier: { public: 100, withheld: 130, counted: null },
      awaiting_reconsent: null,
      pending_second_officer: null,
      invalidated: null,
    },
    signatories: [{ id: "s1", kind: "member", name: "Ales Bialiatski", line: "Human rights defender" }],
    more_signatories: false,
    recipients: [
      {
        name: "Denmark — Prime Minister",
        kind: "government",
        country: "DK",
        first_sent_on: "2026-11-02",
        status: "responded",
        responses: [
          {
            id: "r1",
            received_on: "2026-11-20",
            kind: "substantive_reply",
            stances: [
              { ask_id: "ask-1", ask_number: 1, stance: "supports", quote: "We call for their release." },
              { ask_id: "ask-2", ask_number: 2, stance: "no_position", quote: null },
            ],
          },
        ],
      },
      {
        name: "Latvia — Foreign Minister",
        kind: "ministry",
        country: "LV",
        first_sent_on: "2026-11-03",
        status: "awaiting_response",
        responses: [],
      },
    ],
  };
}

describe("the public tracker", { timeout: 30_000 }, () => {
  it("shows each recipient's status and the stances per demand", async () => {
    fakeServer({ "GET /api/auth/session": ANONYMOUS, [`GET ${TRACKER}`]: { body: tracker() } });
    renderApp(`/track/${APPEAL_ID}`);
    expect(await screen.findByRole("heading", { level: 1, name: "Free the imprisoned reporters" })).toBeTruthy();
    const recipients = screen.getByTestId("tracker-recipients");
    const latvia = within(recipients).getByText("Latvia — Foreign Minister").closest("tr");
    expect(latvia?.textContent).toContain("Awaiting a response");
    expect(latvia?.textContent).toContain("Latvia");
    const matrix = screen.getByTestId("stance-matrix");
    const denmark = within(matrix).getByRole("rowheader", { name: "Denmark — Prime Minister" }).closest("tr");
    expect(denmark?.textContent).toContain("Supports");
    expect(denmark?.textContent).toContain("We call for their release.");
    expect(denmark?.textContent).toContain("No position");
    // A recipient with no published response has no row in the matrix.
    expect(within(matrix).queryByText("Latvia — Foreign Minister")).toBeNull();
    expect(screen.getByTestId("tracker-hash").textContent).toBe(HASH);
    expect(screen.getByRole("link", { name: /Atom feed/ }).getAttribute("href")).toBe(`${TRACKER}/feed`);
  });

  it("says so when no tracker is published", async () => {
    fakeServer({ "GET /api/auth/session": ANONYMOUS, [`GET ${TRACKER}`]: problem(404, "tracker_not_found") });
    renderApp(`/track/${APPEAL_ID}`);
    expect(await screen.findByText(/This appeal has no published tracker/)).toBeTruthy();
  });
});

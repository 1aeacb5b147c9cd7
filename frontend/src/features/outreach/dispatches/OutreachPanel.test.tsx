import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import { fakeServer } from "../../../test/fakeServer";
import { APPEAL_ID } from "../../appeals/fixtures";
import { OutreachPanel } from "./OutreachPanel";

const RECIPIENT = "0190b7a0-0000-7000-8000-00000000e001";
const DISPATCH = "0190b7a0-0000-7000-8000-00000000d001";
const FOLLOW_UP = "0190b7a0-0000-7000-8000-00000000f001";
const ASK_1 = "ask-one";
const ASK_2 = "ask-two";
const recipient = {
  id: RECIPIENT,
  name: "Denmark — Prime Minister",
  kind: "government",
  country: "DK",
  archived: false,
};
const followUp = {
  id: FOLLOW_UP,
  dispatch_id: DISPATCH,
  due_on: "2026-11-01",
  overdue: true,
  assignee: { id: "0190b7a0-0000-7000-8000-00000000a001", name: "Coordinator" },
};

const overview = (canTrack: boolean) => ({
  appeal_id: APPEAL_ID,
  frozen_sha256: "a".repeat(64),
  follow_up_days: 30,
  asks: [],
  can_track: canTrack,
  recipients: [
    {
      recipient,
      status: "overdue",
      dispatches: 1,
      last_dispatch: { id: DISPATCH, channel: "post", sent_on: "2026-10-01", delivery: "recorded" },
      last_response: null,
      next_follow_up: followUp,
    },
  ],
});

const detail = {
  id: DISPATCH,
  appeal_id: APPEAL_ID,
  recipient,
  channel: "post",
  sent_on: "2026-10-01",
  reference: "RR123456789DK",
  note: null,
  language: "en",
  revision_sha256: "a".repeat(64),
  translation_revision_id: null,
  delivery: "recorded",
  closed_at: null,
  created_by: null,
  created_at: "2026-10-01T10:00:00Z",
  version: 1,
  asks: [
    { id: ASK_1, number: 1, text: "Release every imprisoned reporter." },
    { id: ASK_2, number: 2, text: "Raise their cases at the council." },
  ],
  responses: [],
  follow_ups: [{ ...followUp, note: null, done_at: null, version: 1 }],
};

describe("an appeal's outreach", () => {
  it("shows each recipient's status and records a response with a stance per ask", async () => {
    const server = fakeServer({
      [`GET /api/appeals/${APPEAL_ID}/outreach`]: { body: overview(true) },
      [`GET /api/dispatches/${DISPATCH}`]: { body: detail },
      [`POST /api/dispatches/${DISPATCH}/responses`]: { status: 201, body: {} },
      ["GET /api/follow-ups"]: { body: { items: [] } },
    });
    // In a landmark, as on the appeal page.
    render(
      <main>
        <OutreachPanel appealId={APPEAL_ID} />
      </main>,
    );
    const user = userEvent.setup({ delay: null });
    const table = await screen.findByRole("table");
    expect(within(table).getByText("Overdue")).toBeTruthy();
    expect(within(table).getByText("overdue since 2026-11-01")).toBeTruthy();
    await user.click(within(table).getByRole("button", { name: "Denmark — Prime Minister" }));
    const dispatch = await screen.findByTestId("dispatch");
    const stance = await within(dispatch).findByLabelText("2. Raise their cases at the council.");
    await user.selectOptions(stance, "supports");
    await user.click(within(dispatch).getByRole("button", { name: "Record a response" }));
    await waitFor(() => expect(server.calls("POST", `/api/dispatches/${DISPATCH}/responses`)).toHaveLength(1));
    expect(server.calls("POST", `/api/dispatches/${DISPATCH}/responses`)[0]?.body).toMatchObject({
      kind: "substantive_reply",
      stances: [{ ask_id: ASK_2, stance: "supports" }],
    });
    const result = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
    expect(result.violations.map((v) => v.id)).toEqual([]);
  });

  it("is read-only for the writing organizations' representatives", async () => {
    fakeServer({
      [`GET /api/appeals/${APPEAL_ID}/outreach`]: { body: overview(false) },
      [`GET /api/dispatches/${DISPATCH}`]: { body: detail },
    });
    render(<OutreachPanel appealId={APPEAL_ID} />);
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole("button", { name: "Denmark — Prime Minister" }));
    await screen.findByTestId("dispatch");
    expect(screen.queryByRole("button", { name: "Record a response" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Record a dispatch" })).toBeNull();
  });

  it("records a dispatch to any recipient of the registry, a first one included", async () => {
    const SWEDEN = "0190b7a0-0000-7000-8000-0000000000e5";
    const server = fakeServer({
      [`GET /api/appeals/${APPEAL_ID}/outreach`]: { body: { ...overview(true), recipients: [] } },
      ["GET /api/follow-ups"]: { body: { items: [] } },
      ["GET /api/recipients"]: { body: { items: [{ id: SWEDEN, name: "Sweden — Foreign Minister", country: "SE" }] } },
      [`POST /api/appeals/${APPEAL_ID}/dispatches`]: { status: 201, body: {} },
    });
    render(<OutreachPanel appealId={APPEAL_ID} />);
    const user = userEvent.setup({ delay: null });
    const recipient = await screen.findByLabelText("Recipient");
    expect(within(recipient).getByRole("option", { name: "Sweden — Foreign Minister (SE)" })).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Record a dispatch" }));
    await waitFor(() => expect(server.calls("POST", `/api/appeals/${APPEAL_ID}/dispatches`)).toHaveLength(1));
    expect(server.calls("POST", `/api/appeals/${APPEAL_ID}/dispatches`)[0]?.body).toMatchObject({
      recipient_id: SWEDEN,
      channel: "email",
    });
  });
});

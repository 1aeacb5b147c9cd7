import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import { ConfirmProvider } from "../../../shared/Confirm";
import { confirmInPage } from "../../../test/confirmInPage";
import { fakeServer } from "../../../test/fakeServer";
import { APPEAL_ID } from "../../appeals/fixtures";
import { OutreachPanel } from "./OutreachPanel";

const RECIPIENT = "0190b7a0-0000-7000-8000-00000000e001";
const DISPATCH = "0190b7a0-0000-7000-8000-00000000d001";
const RESPONSE = "0190b7a0-0000-7000-8000-00000000c001";
const GROUP = "0190b7a0-0000-7000-8000-00000000b001";
const SECOND_COORDINATOR = "0190b7a0-0000-7000-8000-00000000a002";
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

const DOCUMENT = "0190b7a0-0000-7000-8000-00000000a0d1";
const document_ = {
  id: DOCUMENT,
  filename: "Reply of the ministry.pdf",
  media_type: "application/pdf",
  size: 120_000,
  uploaded_at: "2026-11-02T10:00:00Z",
};
const response = (published: boolean) => ({
  id: RESPONSE,
  dispatch_id: DISPATCH,
  received_on: "2026-11-02",
  channel: "post",
  kind: "substantive_reply",
  summary: "They will raise it.",
  referred_to: null,
  published,
  published_at: null,
  stances: [{ ask_id: ASK_1, stance: "supports", quote: null }],
  recorded_by: null,
  created_at: "2026-11-02T10:00:00Z",
  version: 3,
});

describe("an appeal's outreach", () => {
  it("shows each recipient's status and records a response with a stance per ask", async () => {
    const server = fakeServer({
      [`GET /api/appeals/${APPEAL_ID}/outreach`]: { body: overview(true) },
      [`GET /api/dispatches/${DISPATCH}`]: { body: detail },
      [`GET /api/dispatches/${DISPATCH}/documents`]: { body: { items: [] } },
      [`POST /api/dispatches/${DISPATCH}/responses`]: { status: 201, body: {} },
      ["GET /api/follow-ups"]: { body: { items: [] } },
      ["GET /api/recipients"]: { body: { items: [recipient] } },
      ["GET /api/recipient-groups"]: { body: { items: [] } },
    });
    // In a landmark, as on the appeal page.
    render(
      <ConfirmProvider>
        <main>
          <OutreachPanel appealId={APPEAL_ID} />
        </main>
      </ConfirmProvider>,
    );
    const user = userEvent.setup({ delay: null });
    const table = await screen.findByRole("table");
    expect(within(table).getByText("Overdue")).toBeTruthy();
    expect(within(table).getByText("overdue since 2026-11-01")).toBeTruthy();
    await user.click(within(table).getByRole("button", { name: "Denmark — Prime Minister" }));
    const dispatch = await screen.findByTestId("dispatch");
    const stance = await within(dispatch).findByLabelText("2. Raise their cases at the council.");
    await user.selectOptions(stance, "supports");
    await user.type(within(dispatch).getByLabelText("Quote from the reply on ask 2 (optional)"), "We will raise it.");
    // A coordinator may attach the proof of dispatch.
    expect(within(within(dispatch).getByTestId("dispatch-documents")).getByLabelText("Document")).toBeTruthy();
    await user.click(within(dispatch).getByRole("button", { name: "Record a response" }));
    await waitFor(() => expect(server.calls("POST", `/api/dispatches/${DISPATCH}/responses`)).toHaveLength(1));
    expect(server.calls("POST", `/api/dispatches/${DISPATCH}/responses`)[0]?.body).toMatchObject({
      kind: "substantive_reply",
      stances: [{ ask_id: ASK_2, stance: "supports", quote: "We will raise it." }],
      published: false,
    });
    const result = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
    expect(result.violations.map((v) => v.id)).toEqual([]);
  });

  it("is read-only for the writing organizations' representatives", async () => {
    fakeServer({
      [`GET /api/appeals/${APPEAL_ID}/outreach`]: { body: overview(false) },
      [`GET /api/dispatches/${DISPATCH}`]: { body: { ...detail, responses: [response(false)] } },
      [`GET /api/dispatches/${DISPATCH}/documents`]: { body: { items: [] } },
      [`GET /api/responses/${RESPONSE}/documents`]: { body: { items: [document_] } },
    });
    render(
      <ConfirmProvider>
        <OutreachPanel appealId={APPEAL_ID} />
      </ConfirmProvider>,
    );
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole("button", { name: "Denmark — Prime Minister" }));
    await screen.findByTestId("dispatch");
    expect(screen.queryByRole("button", { name: "Record a response" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Record a dispatch" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Show on the tracker" })).toBeNull();
    // They read and download the documents, but neither add nor delete.
    const documents = await screen.findByRole("link", { name: "Reply of the ministry.pdf" });
    expect(documents.getAttribute("href")).toBe(`/api/documents/${DOCUMENT}`);
    expect(screen.queryByLabelText("Document")).toBeNull();
    expect(screen.queryByRole("button", { name: /^Delete/ })).toBeNull();
  });

  it("records a dispatch to any recipient of the registry, a first one included", async () => {
    const SWEDEN = "0190b7a0-0000-7000-8000-0000000000e5";
    const server = fakeServer({
      [`GET /api/appeals/${APPEAL_ID}/outreach`]: { body: { ...overview(true), recipients: [] } },
      ["GET /api/follow-ups"]: { body: { items: [] } },
      ["GET /api/recipients"]: { body: { items: [{ id: SWEDEN, name: "Sweden — Foreign Minister", country: "SE" }] } },
      ["GET /api/recipient-groups"]: { body: { items: [] } },
      [`POST /api/appeals/${APPEAL_ID}/dispatches`]: { status: 201, body: {} },
    });
    render(
      <ConfirmProvider>
        <OutreachPanel appealId={APPEAL_ID} />
      </ConfirmProvider>,
    );
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

  it("publishes a response on the tracker only after saying what becomes public", async () => {
    const server = fakeServer({
      [`GET /api/appeals/${APPEAL_ID}/outreach`]: { body: overview(true) },
      [`GET /api/dispatches/${DISPATCH}`]: { body: { ...detail, responses: [response(false)] } },
      [`GET /api/dispatches/${DISPATCH}/documents`]: { body: { items: [] } },
      [`GET /api/responses/${RESPONSE}/documents`]: { body: { items: [] } },
      [`PATCH /api/responses/${RESPONSE}`]: { body: response(true) },
      ["GET /api/follow-ups"]: { body: { items: [] } },
      ["GET /api/recipients"]: { body: { items: [recipient] } },
      ["GET /api/recipient-groups"]: { body: { items: [] } },
    });
    render(
      <ConfirmProvider>
        <OutreachPanel appealId={APPEAL_ID} />
      </ConfirmProvider>,
    );
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole("button", { name: "Denmark — Prime Minister" }));
    const item = await screen.findByTestId("response");
    await user.click(within(item).getByRole("button", { name: "Show on the tracker" }));
    await confirmInPage(user, "Show this response on the public tracker?", "Show on the tracker");
    await waitFor(() => expect(server.calls("PATCH", `/api/responses/${RESPONSE}`)).toHaveLength(1));
    const patch = server.calls("PATCH", `/api/responses/${RESPONSE}`)[0];
    expect(patch?.body).toEqual({ published: true });
    expect(patch?.headers.get("if-match")).toBe('"3"');
    expect(await screen.findByText("The response is shown on the public tracker.")).toBeTruthy();
  });

  it("sends to a saved group at once, or has Accord email the letter", async () => {
    const server = fakeServer({
      [`GET /api/appeals/${APPEAL_ID}/outreach`]: { body: { ...overview(true), recipients: [] } },
      ["GET /api/follow-ups"]: { body: { items: [] } },
      ["GET /api/recipients"]: { body: { items: [recipient] } },
      ["GET /api/recipient-groups"]: { body: { items: [{ id: GROUP, name: "EU foreign ministers", members: 2 }] } },
      [`POST /api/appeals/${APPEAL_ID}/dispatches/batch`]: {
        status: 201,
        body: { items: [{}, {}], already_dispatched: [RECIPIENT] },
      },
      [`POST /api/appeals/${APPEAL_ID}/dispatches`]: { status: 201, body: {} },
    });
    render(
      <ConfirmProvider>
        <OutreachPanel appealId={APPEAL_ID} />
      </ConfirmProvider>,
    );
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole("radio", { name: "A saved group" }));
    await user.selectOptions(screen.getByLabelText("Channel"), "post");
    await user.click(screen.getByRole("button", { name: "Record a dispatch" }));
    await waitFor(() => expect(server.calls("POST", `/api/appeals/${APPEAL_ID}/dispatches/batch`)).toHaveLength(1));
    const batch = server.calls("POST", `/api/appeals/${APPEAL_ID}/dispatches/batch`)[0];
    expect(batch?.body).toMatchObject({ group_id: GROUP, channel: "post", send: false });
    expect(batch?.headers.get("idempotency-key")).toBeTruthy();
    expect(
      await screen.findByText(
        "Dispatches recorded: 2. A follow-up is planned for each. Already sent by this channel before: 1.",
      ),
    ).toBeTruthy();

    await user.click(screen.getByRole("radio", { name: "One recipient" }));
    await user.selectOptions(screen.getByLabelText("Channel"), "email");
    await user.click(screen.getByRole("checkbox", { name: /Email the letter from Accord now/ }));
    // Sent now: no date to fill in.
    expect(screen.queryByLabelText("Sent on")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Send the letter" }));
    await waitFor(() => expect(server.calls("POST", `/api/appeals/${APPEAL_ID}/dispatches`)).toHaveLength(1));
    expect(server.calls("POST", `/api/appeals/${APPEAL_ID}/dispatches`)[0]?.body).toMatchObject({
      recipient_id: RECIPIENT,
      channel: "email",
      send: true,
    });
  });

  it("moves a follow-up to another day and plans another one", async () => {
    const server = fakeServer({
      [`GET /api/appeals/${APPEAL_ID}/outreach`]: { body: overview(true) },
      [`GET /api/dispatches/${DISPATCH}`]: { body: detail },
      [`GET /api/dispatches/${DISPATCH}/documents`]: { body: { items: [] } },
      [`PATCH /api/follow-ups/${FOLLOW_UP}`]: ({ body }) => ({
        body: { ...detail.follow_ups[0], ...(body as object), version: 2 },
      }),
      [`POST /api/dispatches/${DISPATCH}/follow-ups`]: { status: 201, body: {} },
      ["GET /api/follow-ups/assignees"]: {
        body: {
          items: [
            { id: followUp.assignee.id, name: "Coordinator" },
            { id: SECOND_COORDINATOR, name: "Zofia Second" },
          ],
        },
      },
      ["GET /api/follow-ups"]: { body: { items: [] } },
      ["GET /api/recipients"]: { body: { items: [recipient] } },
      ["GET /api/recipient-groups"]: { body: { items: [] } },
    });
    render(
      <ConfirmProvider>
        <OutreachPanel appealId={APPEAL_ID} />
      </ConfirmProvider>,
    );
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole("button", { name: "Denmark — Prime Minister" }));
    const item = await screen.findByTestId("follow-up");
    await user.click(within(item).getByRole("button", { name: "Change the date or the person" }));
    const date = within(item).getByLabelText("New due date");
    await user.clear(date);
    await user.type(date, "2026-12-15");
    await user.selectOptions(within(item).getByLabelText("Assigned to"), "Zofia Second");
    await user.click(within(item).getByRole("button", { name: "Save the date" }));
    await waitFor(() => expect(server.calls("PATCH", `/api/follow-ups/${FOLLOW_UP}`)).toHaveLength(2));
    const [moved, given] = server.calls("PATCH", `/api/follow-ups/${FOLLOW_UP}`);
    expect(moved?.body).toEqual({ due_on: "2026-12-15" });
    expect(moved?.headers.get("if-match")).toBe('"1"');
    // The second change carries the version the first one returned.
    expect(given?.body).toEqual({ assignee_id: SECOND_COORDINATOR });
    expect(given?.headers.get("if-match")).toBe('"2"');

    const plan = screen.getByTestId("plan-follow-up");
    const chase = within(plan).getByLabelText("Chase on");
    await user.clear(chase);
    await user.type(chase, "2026-12-20");
    await user.type(within(plan).getByLabelText("What to do (optional)"), "Call the embassy");
    await user.selectOptions(within(plan).getByLabelText("Assigned to"), "Zofia Second");
    await user.click(within(plan).getByRole("button", { name: "Plan a follow-up" }));
    await waitFor(() => expect(server.calls("POST", `/api/dispatches/${DISPATCH}/follow-ups`)).toHaveLength(1));
    expect(server.calls("POST", `/api/dispatches/${DISPATCH}/follow-ups`)[0]?.body).toEqual({
      due_on: "2026-12-20",
      note: "Call the embassy",
      assignee_id: SECOND_COORDINATOR,
    });
    expect(await within(plan).findByRole("status")).toBeTruthy();
  });

  it("corrects a recorded response, keeping what was not changed", async () => {
    const server = fakeServer({
      [`GET /api/appeals/${APPEAL_ID}/outreach`]: { body: overview(true) },
      [`GET /api/dispatches/${DISPATCH}`]: { body: { ...detail, responses: [response(true)] } },
      [`GET /api/dispatches/${DISPATCH}/documents`]: { body: { items: [] } },
      [`GET /api/responses/${RESPONSE}/documents`]: { body: { items: [] } },
      [`PATCH /api/responses/${RESPONSE}`]: { body: response(true) },
      ["GET /api/follow-ups"]: { body: { items: [] } },
      ["GET /api/recipients"]: { body: { items: [recipient] } },
      ["GET /api/recipient-groups"]: { body: { items: [] } },
    });
    render(
      <ConfirmProvider>
        <OutreachPanel appealId={APPEAL_ID} />
      </ConfirmProvider>,
    );
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole("button", { name: "Denmark — Prime Minister" }));
    const item = await screen.findByTestId("response");
    await user.click(within(item).getByRole("button", { name: "Correct this response" }));
    const form = within(item).getByTestId("response-form");
    // What was recorded is filled in; publishing is not this form's business.
    expect(within(form).getByLabelText<HTMLTextAreaElement>("Summary", { exact: true }).value).toBe(
      "They will raise it.",
    );
    expect(within(form).queryByRole("checkbox")).toBeNull();
    await user.selectOptions(within(form).getByLabelText("2. Raise their cases at the council."), "opposes");
    await user.click(within(form).getByRole("button", { name: "Save the response" }));
    await waitFor(() => expect(server.calls("PATCH", `/api/responses/${RESPONSE}`)).toHaveLength(1));
    const patch = server.calls("PATCH", `/api/responses/${RESPONSE}`)[0];
    expect(patch?.headers.get("if-match")).toBe('"3"');
    expect(patch?.body).toMatchObject({
      kind: "substantive_reply",
      summary: "They will raise it.",
      stances: [
        { ask_id: ASK_1, stance: "supports", quote: null },
        { ask_id: ASK_2, stance: "opposes", quote: null },
      ],
    });
    expect(patch?.body).not.toHaveProperty("published");
  });
});

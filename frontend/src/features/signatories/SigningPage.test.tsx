import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeServer } from "../../test/fakeServer";
import { renderApp } from "../../test/renderApp";
import { APPEAL_ID, HASH, ORG_ID, session } from "../appeals/fixtures";
import type { Signing } from "./api";

const NOT_A_CUSTODIAN = {
  status: 403,
  body: { type: "urn:accord:problem:permission_denied", title: "Not allowed", status: 403, code: "permission_denied" },
};
const SIGNATURE_ID = "0190b7a0-0000-7000-8000-00000000b001";
const representative = { ...session, memberships: [{ organization_id: ORG_ID, role: "representative" }] };
const PENDING = {
  id: SIGNATURE_ID,
  kind: "organization" as const,
  organization_id: ORG_ID,
  tier: "public" as const,
  status: "pending_second_officer" as const,
  revision_sha256: HASH,
  asked_by_me: false,
  confirm_by: "2026-12-07T10:00:00Z",
  name: "Forum of the Free",
  line: null,
  organization_name: "Forum of the Free",
  may_act: true,
};

function signing(overrides: Partial<Signing> = {}): Signing {
  return {
    appeal_id: APPEAL_ID,
    title: "Free the imprisoned reporters",
    state: "open",
    open: true,
    window: {
      closes_at: "2026-12-31T18:00:00Z",
      target: null,
      milestones: [],
      tiers: ["public", "withheld"],
      allow_organizations: true,
      allow_members: true,
      allow_public: false,
      custody_threshold: 2,
      custodians: 3,
      ended_at: null,
    },
    revision_sha256: HASH,
    blocks: [
      { id: "b-title", kind: "title", text: "Free the imprisoned reporters" },
      { id: "b-ask", kind: "ask", text: "Release every reporter." },
    ],
    counts: {
      exact: false,
      total: null,
      organizations: null,
      people: null,
      by_tier: { public: null, withheld: null, counted: null },
      awaiting_reconsent: null,
      pending_second_officer: null,
      invalidated: null,
    },
    mine: [],
    can_sign: [
      { kind: "member", organization_id: null, organization_name: null, two_officers: false },
      { kind: "organization", organization_id: ORG_ID, organization_name: "Forum of the Free", two_officers: true },
    ],
    can_export: false,
    can_run: false,
    is_custodian: false,
    ...overrides,
  };
}

describe("the signing page", { timeout: 20_000 }, () => {
  it("shows the frozen text, hides small counts and signs withheld with a receipt", async () => {
    let signed = false;
    const server = fakeServer({
      "GET /api/auth/session": { body: session },
      [`GET /api/appeals/${APPEAL_ID}/signing`]: () => ({
        body: signed
          ? signing({
              can_sign: signing().can_sign.slice(1),
              mine: [
                {
                  id: SIGNATURE_ID,
                  kind: "member",
                  organization_id: null,
                  tier: "withheld",
                  status: "counted",
                  revision_sha256: HASH,
                  asked_by_me: false,
                  confirm_by: null,
                  name: null,
                  line: null,
                  organization_name: null,
                  may_act: true,
                },
              ],
            })
          : signing(),
      }),
      [`GET /api/appeals/${APPEAL_ID}/signatures`]: { body: { items: [], next_cursor: null } },
      [`GET /api/appeals/${APPEAL_ID}/unseal-requests`]: NOT_A_CUSTODIAN,
      [`POST /api/appeals/${APPEAL_ID}/signatures`]: {
        status: 201,
        body: {
          signature: {
            id: SIGNATURE_ID,
            kind: "member",
            organization_id: null,
            tier: "withheld",
            status: "counted",
            revision_sha256: HASH,
            asked_by_me: false,
            confirm_by: null,
            name: null,
            line: null,
            organization_name: null,
            may_act: true,
          },
          receipt_code: "7KQ2-9XMD-ABCD-EFGH-JKMN",
        },
      },
    });
    renderApp(`/appeals/${APPEAL_ID}/sign`);
    const user = userEvent.setup({ delay: null });
    expect(await screen.findByRole("heading", { level: 1, name: "Free the imprisoned reporters" })).toBeTruthy();
    expect(screen.getByText("Release every reporter.")).toBeTruthy();
    expect(within(screen.getByTestId("signing-counts")).getAllByText("fewer than 10").length).toBeGreaterThan(0);

    const form = screen.getByTestId("sign-form");
    await user.click(within(form).getByRole("radio", { name: /Withheld/ }));
    expect(within(form).getByText(/sealed on the server/)).toBeTruthy();
    const name = within(form).getByLabelText<HTMLInputElement>("Name as printed");
    await user.clear(name);
    await user.type(name, "Ales Example");
    const submit = within(form).getByRole("button", { name: "Sign" });
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    await user.click(within(form).getByRole("checkbox", { name: /I have read the text/ }));
    signed = true;
    await user.click(submit);

    expect((await screen.findByTestId("receipt-code")).textContent).toBe("7KQ2-9XMD-ABCD-EFGH-JKMN");
    expect(server.calls("POST", `/api/appeals/${APPEAL_ID}/signatures`)[0]?.body).toEqual({
      kind: "member",
      organization_id: null,
      tier: "withheld",
      name: "Ales Example",
      line: null,
      mandate: null,
      revision_sha256: HASH,
    });
    await waitFor(() =>
      expect(within(screen.getByTestId("my-signatures")).getByTestId("signature-status").textContent).toBe("counted"),
    );
  });

  it("lets a second officer confirm their organization's signature", async () => {
    const pending = PENDING;
    const server = fakeServer({
      "GET /api/auth/session": { body: representative },
      [`GET /api/appeals/${APPEAL_ID}/signing`]: { body: signing({ can_sign: [], mine: [pending] }) },
      [`GET /api/appeals/${APPEAL_ID}/signatures`]: { body: { items: [], next_cursor: null } },
      [`GET /api/appeals/${APPEAL_ID}/unseal-requests`]: NOT_A_CUSTODIAN,
      [`POST /api/appeals/${APPEAL_ID}/signatures/${SIGNATURE_ID}/confirm`]: {
        body: { ...pending, status: "counted", confirm_by: null },
      },
    });
    renderApp(`/appeals/${APPEAL_ID}/sign`);
    const user = userEvent.setup({ delay: null });
    // The second officer sees what they confirm: the name as it will be printed.
    expect((await screen.findByTestId("signature-printed-as")).textContent).toBe("Forum of the Free");
    await user.click(await screen.findByRole("button", { name: "Confirm as second officer" }));
    expect(await screen.findByText("Confirmed: the organization's signature now counts.")).toBeTruthy();
    expect(server.calls("POST", `/api/appeals/${APPEAL_ID}/signatures/${SIGNATURE_ID}/confirm`)).toHaveLength(1);
  });

  it("offers a plain member no action on their organization's signature", async () => {
    fakeServer({
      "GET /api/auth/session": { body: session },
      [`GET /api/appeals/${APPEAL_ID}/signing`]: {
        body: signing({ can_sign: signing().can_sign.slice(0, 1), mine: [{ ...PENDING, may_act: false }] }),
      },
      [`GET /api/appeals/${APPEAL_ID}/signatures`]: { body: { items: [], next_cursor: null } },
      [`GET /api/appeals/${APPEAL_ID}/unseal-requests`]: NOT_A_CUSTODIAN,
    });
    renderApp(`/appeals/${APPEAL_ID}/sign`);
    const mine = await screen.findByTestId("my-signature");
    expect(within(mine).getByTestId("signature-status").textContent).toBe("waiting for a second officer");
    // Only a representative may confirm or withdraw it: the server refuses anyone else.
    expect(within(mine).queryAllByRole("button")).toEqual([]);
  });

  it("asks to read the text again for the next signature", async () => {
    let signed = false;
    fakeServer({
      "GET /api/auth/session": { body: representative },
      [`GET /api/appeals/${APPEAL_ID}/signing`]: () => ({
        body: signed ? signing({ can_sign: signing().can_sign.slice(0, 1), mine: [PENDING] }) : signing(),
      }),
      [`GET /api/appeals/${APPEAL_ID}/signatures`]: { body: { items: [], next_cursor: null } },
      [`GET /api/appeals/${APPEAL_ID}/unseal-requests`]: NOT_A_CUSTODIAN,
      [`POST /api/appeals/${APPEAL_ID}/signatures`]: {
        status: 201,
        body: { signature: PENDING, receipt_code: "7KQ2-9XMD-ABCD-EFGH-JKMN" },
      },
    });
    renderApp(`/appeals/${APPEAL_ID}/sign`);
    const user = userEvent.setup({ delay: null });
    const form = await screen.findByTestId("sign-form");
    await user.click(within(form).getByRole("radio", { name: "For Forum of the Free" }));
    await user.click(within(form).getByRole("checkbox", { name: /I have read the text/ }));
    signed = true;
    await user.click(within(form).getByRole("button", { name: "Sign" }));
    await screen.findByTestId("receipt-code");
    // Now the form offers signing as oneself: nothing of the organization's signature is ticked.
    await waitFor(() => expect(within(screen.getByTestId("sign-form")).getByText("As yourself")).toBeTruthy());
    const next = screen.getByTestId("sign-form");
    expect(within(next).getByRole<HTMLInputElement>("checkbox", { name: /I have read the text/ }).checked).toBe(false);
    expect(within(next).getByRole<HTMLButtonElement>("button", { name: "Sign" }).disabled).toBe(true);
    expect(within(next).getByLabelText<HTMLInputElement>("Name as printed").value).toBe("Aleś");
  });

  it("shows the public page's link, with a copy button, when the public may sign", async () => {
    fakeServer({
      "GET /api/auth/session": { body: session },
      [`GET /api/appeals/${APPEAL_ID}/signing`]: {
        body: signing({ window: { ...signing().window, allow_public: true } }),
      },
      [`GET /api/appeals/${APPEAL_ID}/signatures`]: { body: { items: [], next_cursor: null } },
      [`GET /api/appeals/${APPEAL_ID}/unseal-requests`]: NOT_A_CUSTODIAN,
    });
    renderApp(`/appeals/${APPEAL_ID}/sign`);
    const user = userEvent.setup({ delay: null });
    const box = await screen.findByTestId("public-link");
    const url = `${window.location.origin}/sign/${APPEAL_ID}`;
    expect(within(box).getByRole("link", { name: url }).getAttribute("href")).toBe(`/sign/${APPEAL_ID}`);
    await user.click(within(box).getByRole("button", { name: "Copy link" }));
    expect(await within(box).findByText("Link copied.")).toBeTruthy();
    // user-event stands in for the clipboard.
    expect(await navigator.clipboard.readText()).toBe(url);
  });

  it("shows no public link when only members and organizations may sign", async () => {
    fakeServer({
      "GET /api/auth/session": { body: session },
      [`GET /api/appeals/${APPEAL_ID}/signing`]: { body: signing() },
      [`GET /api/appeals/${APPEAL_ID}/signatures`]: { body: { items: [], next_cursor: null } },
      [`GET /api/appeals/${APPEAL_ID}/unseal-requests`]: NOT_A_CUSTODIAN,
    });
    renderApp(`/appeals/${APPEAL_ID}/sign`);
    await screen.findByTestId("signing-panel");
    expect(screen.queryByTestId("public-link")).toBeNull();
  });
});

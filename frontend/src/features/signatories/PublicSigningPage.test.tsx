import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createChallenge } from "altcha-lib/v1";
import { describe, expect, it } from "vitest";
import { fakeServer, problem } from "../../test/fakeServer";
import { renderApp } from "../../test/renderApp";
import i18n from "../../i18n";
import { APPEAL_ID, HASH } from "../appeals/fixtures";
import type { Challenge, PublicAppeal } from "./api";

const PAGE = `/api/public/appeals/${APPEAL_ID}`;
const SIGN = `${PAGE}/signatures`;
const CONFIRM = `${SIGN}/confirm`;
const WITHDRAW = `${PAGE}/withdrawals`;
const WITHDRAW_CONFIRM = `${WITHDRAW}/confirm`;
const EMAIL = "hanna@example.org";
const RECEIPT = "7KQ2-9XMD-ABCD-EFGH-JKMN";
const ANONYMOUS = { body: { state: "anonymous", ended: null } };

function publicAppeal(overrides: Partial<PublicAppeal> = {}): PublicAppeal {
  return {
    appeal_id: APPEAL_ID,
    title: "Free the imprisoned reporters",
    open: true,
    closes_at: "2026-12-31T18:00:00Z",
    revision_sha256: HASH,
    blocks: [
      { id: "b-title", kind: "title", text: "Free the imprisoned reporters" },
      { id: "b-ask", kind: "ask", text: "Release every reporter." },
    ],
    tiers: ["public", "withheld", "counted"],
    custody_threshold: 2,
    custodians: 3,
    counts: {
      exact: false,
      total: 12,
      organizations: null,
      people: 12,
      by_tier: { public: 12, withheld: null, counted: null },
      awaiting_reconsent: null,
      pending_second_officer: null,
      invalidated: null,
    },
    ...overrides,
  };
}

/** A challenge as the server makes them, small enough to solve at once here. */
async function challenge(): Promise<{ status: number; body: Challenge }> {
  const made = await createChallenge({ hmacKey: "test", maxnumber: 2000, expires: new Date(Date.now() + 600_000) });
  return { status: 201, body: { ...made, max_number: 2000 } };
}

/** The number the page found, from the proof it sent. */
const proofOf = (body: unknown) =>
  JSON.parse(atob((body as { proof_of_work: string }).proof_of_work)) as { number: number; challenge: string };

/** The code step's field, once the step's heading took focus: FocusHeading moves focus when
 * the step appears, and keys typed before that land on the heading on a slow machine. */
async function codeField() {
  const form = await screen.findByTestId("public-code-form");
  await waitFor(() => expect(document.activeElement?.id).toBe("public-code-title"));
  return within(form).getByLabelText("Code from the email");
}

async function fillForm(user: ReturnType<typeof userEvent.setup>) {
  const form = await screen.findByTestId("public-sign-form");
  await user.type(within(form).getByLabelText("Name as printed"), "Hanna Example");
  await user.type(within(form).getByLabelText("Line under the name (optional)"), "Teacher, Minsk");
  await user.selectOptions(within(form).getByLabelText("Country (optional)"), "BY");
  await user.type(within(form).getByLabelText("Email"), EMAIL);
  await user.click(within(form).getByRole("radio", { name: /^Withheld/ }));
  return form;
}

describe("the public signing page", { timeout: 30_000 }, () => {
  it("shows the frozen text and signs with a solved proof of work, an emailed code and a receipt", async () => {
    const server = fakeServer({
      "GET /api/auth/session": ANONYMOUS,
      [`GET ${PAGE}`]: { body: publicAppeal() },
      "POST /api/public/challenges": challenge,
      [`POST ${SIGN}`]: { status: 202, body: { status: "code_sent" } },
      [`POST ${CONFIRM}`]: {
        status: 201,
        body: { status: "counted", tier: "withheld", revision_sha256: HASH, receipt_code: RECEIPT },
      },
    });
    renderApp(`/sign/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    expect(await screen.findByRole("heading", { level: 1, name: "Free the imprisoned reporters" })).toBeTruthy();
    expect(screen.getByText("Release every reporter.")).toBeTruthy();
    expect(screen.getByTestId("revision-hash").textContent).toBe(HASH);
    expect(screen.getByTestId("signing-state").textContent).toMatch(/^Open for signatures until /);
    const counts = screen.getByTestId("public-counts");
    expect(within(counts).getByTestId("count-total").textContent).toBe("12");
    expect(within(counts).getAllByText("fewer than 10")).toHaveLength(2);
    // No account needed: the page is reachable signed out, and says what a tier means.
    expect(screen.getByText(/never printed: the letter says “N signatories whose names are withheld/)).toBeTruthy();

    const form = await fillForm(user);
    // Nothing typed stays in the browser's form history (a seized phone would tell).
    for (const label of ["Name as printed", "Line under the name (optional)", "Email"]) {
      expect(within(form).getByLabelText(label).getAttribute("autocomplete")).toBe("off");
    }
    const submit = within(form).getByRole("button", { name: "Sign" });
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    const consent = within(form).getByRole("checkbox", { name: /the server cannot read them/ });
    expect(consent.closest("label")?.textContent).toContain("a keyed hash of my email is kept until signing closes");
    expect(consent.closest("label")?.textContent).toContain("my country, if I chose one, stays readable to the server");
    await user.click(consent);
    await user.click(submit);

    expect((await screen.findByTestId("code-sent")).textContent).toBe(
      `We sent an email to ${EMAIL}. Type the code from it below.`,
    );
    const [signed] = server.calls("POST", SIGN);
    expect(signed?.body).toMatchObject({
      name: "Hanna Example",
      line: "Teacher, Minsk",
      country: "BY",
      email: EMAIL,
      tier: "withheld",
      revision_sha256: HASH,
      consent: true,
      language: "en",
    });
    const [made] = server.calls("POST", "/api/public/challenges");
    expect(made).toBeTruthy();
    const proof = proofOf(signed?.body);
    expect(proof.number).toBeGreaterThanOrEqual(0);
    expect(proof.number).toBeLessThanOrEqual(2000);

    await user.type(await codeField(), "123 456");
    await user.click(screen.getByRole("button", { name: "Confirm my signature" }));
    expect((await screen.findByTestId("receipt-code")).textContent).toBe(RECEIPT);
    expect(screen.getByTestId("receipt-hash").textContent).toBe(HASH);
    expect(screen.getByText("How your name appears: Withheld.")).toBeTruthy();
    // Updates by email only when asked for.
    expect(server.calls("POST", CONFIRM)[0]?.body).toEqual({
      email: EMAIL,
      code: "123456",
      updates: false,
      language: "en",
    });
    expect(screen.queryByTestId("public-sign-form")).toBeNull();
    // The counts are read again: the signature may have changed them.
    await waitFor(() => expect(server.calls("GET", PAGE)).toHaveLength(2));
  });

  it("asks for a new challenge once when the first is refused, and emails in the page's language", async () => {
    await i18n.changeLanguage("ru");
    let attempts = 0;
    const server = fakeServer({
      "GET /api/auth/session": ANONYMOUS,
      [`GET ${PAGE}`]: { body: publicAppeal() },
      "POST /api/public/challenges": challenge,
      [`POST ${SIGN}`]: () => {
        attempts += 1;
        return attempts === 1 ? problem(422, "proof_of_work_invalid") : { status: 202, body: { status: "code_sent" } };
      },
    });
    renderApp(`/sign/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    const form = await screen.findByTestId("public-sign-form");
    await user.type(within(form).getByLabelText("Имя для печати"), "Ганна");
    await user.type(within(form).getByLabelText("Электронная почта"), EMAIL);
    await user.click(within(form).getByRole("checkbox"));
    await user.click(within(form).getByRole("button", { name: "Подписать" }));
    expect((await screen.findByTestId("code-sent")).textContent).toBe(
      `Мы отправили письмо на ${EMAIL}. Введите код из него ниже.`,
    );
    const calls = server.calls("POST", SIGN);
    expect(calls).toHaveLength(2);
    expect(server.calls("POST", "/api/public/challenges")).toHaveLength(2);
    expect(proofOf(calls[0]?.body).challenge).not.toBe(proofOf(calls[1]?.body).challenge);
    expect(calls[1]?.body).toMatchObject({ language: "ru", tier: "public", line: null, country: null });
  });

  it("says so when the check fails twice, and when too many signatures were started", async () => {
    const server = fakeServer({
      "GET /api/auth/session": ANONYMOUS,
      [`GET ${PAGE}`]: { body: publicAppeal() },
      "POST /api/public/challenges": challenge,
      [`POST ${SIGN}`]: problem(422, "proof_of_work_invalid"),
    });
    renderApp(`/sign/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    const form = await fillForm(user);
    await user.click(within(form).getByRole("checkbox"));
    await user.click(within(form).getByRole("button", { name: "Sign" }));
    expect((await within(form).findByRole("alert")).textContent).toBe(
      "The automatic check against mass sign-ups failed or expired. Try again.",
    );
    expect(server.calls("POST", SIGN)).toHaveLength(2);

    server.route(`POST ${SIGN}`, problem(429, "too_many_attempts", {}, { "Retry-After": "600" }));
    await user.click(within(form).getByRole("button", { name: "Sign" }));
    expect(await within(form).findByText(/Try again in 10 min\.$/)).toBeTruthy();
    expect(within(form).getByRole("alert").textContent).not.toContain("failed attempts");
  });

  it("reloads a text that changed and asks for consent to the new one", async () => {
    const NEW_HASH = "ff".padEnd(64, "1");
    let changed = false;
    fakeServer({
      "GET /api/auth/session": ANONYMOUS,
      [`GET ${PAGE}`]: () => ({ body: changed ? publicAppeal({ revision_sha256: NEW_HASH }) : publicAppeal() }),
      "POST /api/public/challenges": challenge,
      [`POST ${SIGN}`]: () => {
        changed = true;
        return problem(409, "text_changed");
      },
    });
    renderApp(`/sign/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    const form = await fillForm(user);
    await user.click(within(form).getByRole("checkbox"));
    await user.click(within(form).getByRole("button", { name: "Sign" }));
    expect(
      await within(form).findByText("The text changed since you read it. Read it again before signing."),
    ).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("revision-hash").textContent).toBe(NEW_HASH));
    expect(within(form).getByRole<HTMLInputElement>("checkbox").checked).toBe(false);
    expect(within(form).getByRole("checkbox", { name: new RegExp(NEW_HASH.slice(0, 12)) })).toBeTruthy();
  });

  it("goes back to the form to send again, keeping what was typed", async () => {
    const server = fakeServer({
      "GET /api/auth/session": ANONYMOUS,
      [`GET ${PAGE}`]: { body: publicAppeal() },
      "POST /api/public/challenges": challenge,
      [`POST ${SIGN}`]: { status: 202, body: { status: "code_sent" } },
      [`POST ${CONFIRM}`]: problem(422, "code_invalid"),
    });
    renderApp(`/sign/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    let form = await fillForm(user);
    await user.click(within(form).getByRole("checkbox"));
    await user.click(within(form).getByRole("button", { name: "Sign" }));
    await user.type(await codeField(), "000000");
    const codeForm = screen.getByTestId("public-code-form");
    await user.click(within(codeForm).getByRole("button", { name: "Confirm my signature" }));
    expect((await within(codeForm).findByRole("alert")).textContent).toBe(
      "That code is wrong or no longer valid. Check the latest email, or ask for a new code.",
    );
    await user.click(within(codeForm).getByRole("button", { name: "Send again" }));
    form = await screen.findByTestId("public-sign-form");
    expect(within(form).getByLabelText<HTMLInputElement>("Email").value).toBe(EMAIL);
    expect(within(form).getByLabelText<HTMLInputElement>("Name as printed").value).toBe("Hanna Example");
    await user.click(within(form).getByRole("button", { name: "Sign" }));
    await screen.findByTestId("public-code-form");
    expect(server.calls("POST", SIGN)).toHaveLength(2);
    expect(server.calls("POST", "/api/public/challenges")).toHaveLength(2);
  });

  it("checks a receipt and withdraws a signature with an emailed code", async () => {
    await i18n.changeLanguage("be");
    const server = fakeServer({
      "GET /api/auth/session": ANONYMOUS,
      [`GET ${PAGE}`]: { body: publicAppeal() },
      "POST /api/signature-receipts/check": { body: { status: "counted", revision_sha256: HASH } },
      [`POST ${WITHDRAW}`]: { status: 202, body: { status: "code_sent" } },
      [`POST ${WITHDRAW_CONFIRM}`]: { body: { status: "ok" } },
    });
    renderApp(`/sign/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    const check = await screen.findByTestId("receipt-check");
    await user.type(within(check).getByLabelText("Код квітанцыі"), RECEIPT);
    await user.click(within(check).getByRole("button", { name: "Праверыць" }));
    expect((await within(check).findByTestId("receipt-status")).textContent).toBe("залічаны");
    expect(within(check).getByText(HASH)).toBeTruthy();
    expect(server.calls("POST", "/api/signature-receipts/check")[0]?.body).toEqual({ code: RECEIPT });

    const withdrawal = screen.getByTestId("withdrawal");
    await user.type(within(withdrawal).getByLabelText("Код квітанцыі"), RECEIPT);
    await user.type(within(withdrawal).getByLabelText("Пошта, з якой вы падпісвалі"), EMAIL);
    await user.click(within(withdrawal).getByRole("button", { name: "Даслаць мне код" }));
    expect((await screen.findByTestId("withdraw-code-sent")).textContent).toBe(
      `Мы даслалі ліст на ${EMAIL}. Увядзіце код з яго ніжэй.`,
    );
    expect(server.calls("POST", WITHDRAW)[0]?.body).toEqual({ receipt_code: RECEIPT, email: EMAIL, language: "be" });
    await user.type(screen.getByLabelText("Код з ліста"), "654321");
    await user.click(screen.getByRole("button", { name: "Адклікаць мой подпіс" }));
    expect(await screen.findByText("Ваш подпіс адкліканы.")).toBeTruthy();
    expect(server.calls("POST", WITHDRAW_CONFIRM)[0]?.body).toEqual({ receipt_code: RECEIPT, code: "654321" });
  });

  it("offers to sign the new text when a receipt awaits re-consent", async () => {
    await i18n.changeLanguage("en");
    const RECONSENT = `${PAGE}/reconsents`;
    const server = fakeServer({
      "GET /api/auth/session": ANONYMOUS,
      [`GET ${PAGE}`]: { body: publicAppeal() },
      "POST /api/signature-receipts/check": { body: { status: "awaiting_reconsent", revision_sha256: "0".repeat(64) } },
      [`POST ${RECONSENT}`]: { status: 202, body: { status: "code_sent" } },
      [`POST ${RECONSENT}/confirm`]: { body: { status: "counted", revision_sha256: HASH } },
    });
    renderApp(`/sign/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    expect(screen.queryByTestId("reconsent")).toBeNull();
    const check = await screen.findByTestId("receipt-check");
    await user.type(within(check).getByLabelText("Receipt code"), RECEIPT);
    await user.click(within(check).getByRole("button", { name: "Check" }));
    const reconsent = await screen.findByTestId("reconsent");
    // The receipt just checked is filled in; the email is typed again.
    expect(within(reconsent).getByLabelText<HTMLInputElement>("Receipt code").value).toBe(RECEIPT);
    await user.type(within(reconsent).getByLabelText("Email you signed with"), EMAIL);
    await user.click(within(reconsent).getByRole("button", { name: "Send me a code" }));
    await screen.findByTestId("reconsent-code-sent");
    expect(server.calls("POST", RECONSENT)[0]?.body).toEqual({ receipt_code: RECEIPT, email: EMAIL, language: "en" });
    await user.type(within(screen.getByTestId("reconsent")).getByLabelText("Code from the email"), "123456");
    await user.click(screen.getByRole("button", { name: "Sign the new text" }));
    expect(await screen.findByText("Your signature now counts for the new text.")).toBeTruthy();
    expect(server.calls("POST", `${RECONSENT}/confirm`)[0]?.body).toEqual({
      receipt_code: RECEIPT,
      code: "123456",
      revision_sha256: HASH,
    });
  });

  it("shows no form when signing is not open, but still checks receipts", async () => {
    fakeServer({
      "GET /api/auth/session": ANONYMOUS,
      [`GET ${PAGE}`]: { body: publicAppeal({ open: false }) },
      "POST /api/signature-receipts/check": problem(404, "receipt_not_found"),
    });
    renderApp(`/sign/${APPEAL_ID}`);
    const user = userEvent.setup({ delay: null });
    expect((await screen.findByTestId("signing-state")).textContent).toBe("Signing is not open now.");
    expect(screen.getByTestId("signing-closed")).toBeTruthy();
    expect(screen.queryByTestId("public-sign-form")).toBeNull();
    expect(screen.queryByTestId("withdrawal")).toBeNull();
    const check = screen.getByTestId("receipt-check");
    await user.type(within(check).getByLabelText("Receipt code"), "nope");
    await user.click(within(check).getByRole("button", { name: "Check" }));
    expect((await within(check).findByRole("alert")).textContent).toBe("No signature has this receipt code.");
  });

  it("says when no appeal open to the public has this address", async () => {
    fakeServer({
      "GET /api/auth/session": ANONYMOUS,
      [`GET ${PAGE}`]: problem(404, "appeal_not_found"),
    });
    renderApp(`/sign/${APPEAL_ID}`);
    expect(await screen.findByRole("heading", { level: 1, name: "Appeal not found" })).toBeTruthy();
    expect(screen.getByText(/No appeal open to public signatures has this address/)).toBeTruthy();
  });
});

import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { fakeServer } from "../../test/fakeServer";
import { renderApp } from "../../test/renderApp";

const ANONYMOUS = { body: { state: "anonymous", ended: null } };
const TOKEN = "tok_abcdefghijklmnopqrstuvwxyz0123456789";

describe("the unsubscribe page", { timeout: 30_000 }, () => {
  afterEach(() => window.history.replaceState(null, "", "/"));

  it("stops the updates only when the person presses the button, and drops the token", async () => {
    window.history.replaceState(null, "", `/updates/unsubscribe#${TOKEN}`);
    const server = fakeServer({
      "GET /api/auth/session": ANONYMOUS,
      "POST /api/public/updates/unsubscribe": { body: { status: "ok" } },
    });
    renderApp("/updates/unsubscribe");
    const user = userEvent.setup({ delay: null });
    const button = await screen.findByRole("button", { name: "Stop the updates" });
    // Opening the link (as a mail scanner does) stops nothing.
    expect(server.calls("POST", "/api/public/updates/unsubscribe")).toHaveLength(0);
    await user.click(button);
    expect(await screen.findByRole("status")).toHaveProperty(
      "textContent",
      "Done: you will receive no more updates about this appeal, and your address has been deleted.",
    );
    expect(server.calls("POST", "/api/public/updates/unsubscribe")[0]?.body).toEqual({ token: TOKEN });
    expect(window.location.hash).toBe("");
  });

  it("says the link is incomplete when the token is missing", async () => {
    window.history.replaceState(null, "", "/updates/unsubscribe");
    fakeServer({ "GET /api/auth/session": ANONYMOUS });
    renderApp("/updates/unsubscribe");
    expect(await screen.findByText(/This link is incomplete/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Stop the updates" })).toBeNull();
  });
});

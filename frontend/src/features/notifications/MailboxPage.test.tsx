import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeServer, problem } from "../../test/fakeServer";
import { renderApp } from "../../test/renderApp";

describe("dev mailbox page", () => {
  it("shows each message and links only to this server", async () => {
    const origin = window.location.origin;
    fakeServer({
      "GET /api/auth/session": problem(401, "sign_in_required"),
      "GET /api/dev/mailbox": {
        body: {
          items: [
            {
              id: "m1",
              to: "invitee@example.org",
              subject: "You are invited to Accord",
              body: `Open ${origin}/invitation#abc to accept.\nNot a link: https://evil.example/phish`,
              created_at: "2026-03-01T10:00:00Z",
              status: "sent",
            },
          ],
        },
      },
    });
    renderApp("/dev/mailbox");
    const user = userEvent.setup();
    expect(await screen.findByText("You are invited to Accord")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Show message" }));
    expect(screen.getByRole("link", { name: `${origin}/invitation#abc` }).getAttribute("href")).toBe(
      `${origin}/invitation#abc`,
    );
    expect(screen.queryByRole("link", { name: /evil/ })).toBeNull();
    expect(screen.getByText(/evil\.example/)).toBeTruthy();
  });
});

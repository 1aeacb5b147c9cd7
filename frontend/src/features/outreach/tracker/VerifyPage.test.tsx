import { screen } from "@testing-library/react";
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import { fakeServer, problem } from "../../../test/fakeServer";
import { renderApp } from "../../../test/renderApp";
import { APPEAL_ID, HASH } from "../../appeals/fixtures";

const ANONYMOUS = { body: { state: "anonymous", ended: null } };

describe("checking a letter by the hash in its footer", { timeout: 30_000 }, () => {
  it("shows the text with that hash, and the tracker when there is one", async () => {
    fakeServer({
      "GET /api/auth/session": ANONYMOUS,
      [`GET /api/public/texts/${HASH}`]: {
        body: {
          sha256: HASH,
          title: "Free the imprisoned reporters",
          language: "en",
          blocks: [
            { id: "b-title", kind: "title", text: "Free the imprisoned reporters" },
            { id: "ask-1", kind: "ask", text: "Release every reporter." },
          ],
          tracker_path: `/track/${APPEAL_ID}`,
        },
      },
    });
    // A hash copied from a printed letter may come in capitals.
    renderApp(`/verify/${HASH.toUpperCase()}`);
    expect(await screen.findByRole("heading", { level: 1, name: "Free the imprisoned reporters" })).toBeTruthy();
    expect(screen.getByTestId("verified-hash").textContent).toBe(HASH);
    expect(screen.getByText("Release every reporter.")).toBeTruthy();
    expect(screen.getByRole("link", { name: "See where each recipient stands on it" }).getAttribute("href")).toBe(
      `/track/${APPEAL_ID}`,
    );
    const result = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
    expect(result.violations.map((v) => v.id)).toEqual([]);
  });

  it("says not found for an unknown hash, and does not ask for a malformed one", async () => {
    const server = fakeServer({
      "GET /api/auth/session": ANONYMOUS,
      [`GET /api/public/texts/${"0".repeat(64)}`]: problem(404, "text_not_found"),
    });
    renderApp(`/verify/${"0".repeat(64)}`);
    expect(await screen.findByText(/No appeal text sent or opened for signatures has this hash/)).toBeTruthy();

    renderApp("/verify/not-a-hash");
    expect((await screen.findAllByRole("heading", { name: "Text not found" })).length).toBeGreaterThan(0);
    expect(server.calls("GET", "/api/public/texts/not-a-hash")).toHaveLength(0);
  });
});

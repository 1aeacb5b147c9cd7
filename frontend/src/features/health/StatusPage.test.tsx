import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { setLanguage } from "../../i18n";
import { renderApp } from "../../test/renderApp";

type Reply = { status: number; body: unknown } | Error;

const json = (status: number, body: unknown) => ({ status, body });
const HEALTH_OK = json(200, { status: "ok" });
const READY_OK = json(200, { status: "ok", checks: { database: "ok", keys: "ok" } });

/** Stubs the network (the frontend's outside world): one reply per path. */
function stubServer(replies: Record<string, Reply>) {
  const fetch = vi.fn((request: Request): Promise<Response> => {
    const reply = replies[new URL(request.url).pathname];
    if (reply === undefined) return Promise.resolve(new Response("not found", { status: 404 }));
    if (reply instanceof Error) return Promise.reject(reply); // as fetch does: a rejection, not a throw
    return Promise.resolve(
      new Response(JSON.stringify(reply.body), {
        status: reply.status,
        headers: { "Content-Type": "application/json" },
      }),
    );
  });
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

const healthStatus = () => screen.getByTestId("health-status");

describe("Status page", () => {
  it("shows Healthy when /healthz and /readyz answer ok", async () => {
    const fetch = stubServer({ "/healthz": HEALTH_OK, "/readyz": READY_OK });
    renderApp("/status");

    expect(healthStatus().textContent).toBe("Checking…");
    await waitFor(() => expect(healthStatus().textContent).toBe("Healthy"));
    expect(healthStatus().className).toContain("badge--healthy");
    expect(healthStatus().dataset.state).toBe("healthy");
    expect(screen.getByTestId("check-database").textContent).toBe("OK");
    expect(screen.getByTestId("check-keys").textContent).toBe("OK");

    const requests = fetch.mock.calls.map(([request]) => request);
    // The shell itself also asks /api/ (who is signed in; whether the dev mailbox exists).
    const probes = requests.filter((r) => !new URL(r.url).pathname.startsWith("/api/"));
    expect(probes.map((r) => `${r.method} ${new URL(r.url).pathname}`).sort()).toEqual(["GET /healthz", "GET /readyz"]);
    for (const request of requests) {
      expect(new URL(request.url).origin).toBe(window.location.origin);
      expect(request.credentials).toBe("same-origin");
    }
  });

  it("shows Unavailable and the failed check when /readyz answers 503", async () => {
    stubServer({
      "/healthz": HEALTH_OK,
      "/readyz": json(503, { status: "unavailable", checks: { database: "ok", keys: "failed" } }),
    });
    renderApp("/status");

    await waitFor(() => expect(healthStatus().textContent).toBe("Unavailable"));
    expect(healthStatus().className).toContain("badge--unavailable");
    expect(screen.getByTestId("check-database").textContent).toBe("OK");
    expect(screen.getByTestId("check-keys").textContent).toBe("Failed");
    expect(screen.getByTestId("check-keys").className).toContain("check-state--failed");
  });

  it("shows Unavailable when the server cannot be reached", async () => {
    stubServer({ "/healthz": new TypeError("Failed to fetch"), "/readyz": new TypeError("Failed to fetch") });
    renderApp("/status");

    await waitFor(() => expect(healthStatus().textContent).toBe("Unavailable"));
    expect(screen.getByTestId("check-database").textContent).toBe("Unknown");
    expect(screen.getByTestId("check-keys").textContent).toBe("Unknown");
  });

  it("checks again on request and speaks the user's language", async () => {
    stubServer({
      "/healthz": HEALTH_OK,
      "/readyz": json(503, { status: "unavailable", checks: { database: "failed", keys: "ok" } }),
    });
    await setLanguage("be");
    renderApp("/status");
    await waitFor(() => expect(healthStatus().textContent).toBe("Недаступны"));
    expect(screen.getByTestId("check-database").textContent).toBe("Збой");

    const recovered = stubServer({ "/healthz": HEALTH_OK, "/readyz": READY_OK });
    await userEvent.setup().click(screen.getByRole("button", { name: "Праверыць зноў" }));
    await waitFor(() => expect(healthStatus().textContent).toBe("Працуе"));
    expect(recovered).toHaveBeenCalledTimes(2);
  });
});

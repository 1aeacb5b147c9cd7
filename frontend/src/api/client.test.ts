import { describe, expect, it, vi } from "vitest";
import { fakeServer, problem } from "../test/fakeServer";
import { onSessionProblem } from "./authEvents";
import { api } from "./client";
import { getCsrfToken, setCsrfToken } from "./csrf";
import { ApiError, unwrap } from "./problem";

describe("API client", () => {
  it("sends X-CSRF-Token on every unsafe request and never on reads", async () => {
    const server = fakeServer({
      "GET /api/auth/sessions": { body: { items: [] } },
      "POST /api/auth/sign-out": { body: { status: "ok" } },
      "DELETE /api/auth/totp": { body: { status: "ok" } },
      "POST /api/invitations": { status: 201, body: {} },
    });
    setCsrfToken("token-123");

    await api.GET("/api/auth/sessions");
    await api.POST("/api/auth/sign-out");
    await api.DELETE("/api/auth/totp");
    await api.POST("/api/invitations", {
      body: {
        email: "a@b.org",
        organization_id: "0190b7a0-0000-7000-8000-0000000000aa",
        role: "member",
        language: "en",
      },
    });

    const header = (i: number) => server.seen[i]?.headers.get("X-CSRF-Token");
    expect(server.seen.map((s) => s.method)).toEqual(["GET", "POST", "DELETE", "POST"]);
    expect(header(0)).toBeNull();
    expect([header(1), header(2), header(3)]).toEqual(["token-123", "token-123", "token-123"]);
  });

  it("keeps the token in memory only: nothing in localStorage or a readable cookie", async () => {
    fakeServer({ "POST /api/auth/sign-in": { body: { state: "full", csrf_token: "fresh" } } });
    const result = await unwrap(api.POST("/api/auth/sign-in", { body: { email: "a@b.org", password: "pw" } }));
    setCsrfToken(result.csrf_token);
    expect(getCsrfToken()).toBe("fresh");
    expect(Object.values(window.localStorage)).not.toContain("fresh");
    expect(document.cookie).not.toContain("fresh");
  });

  it("turns a problem answer into an ApiError with its code, Retry-After and reason", async () => {
    fakeServer({
      "POST /api/auth/sign-in": problem(429, "too_many_attempts", {}, { "Retry-After": "120" }),
      "POST /api/auth/password": problem(422, "password_rejected", { reason: "too_common" }),
    });
    const throttled = await unwrap(api.POST("/api/auth/sign-in", { body: { email: "a@b.org", password: "x" } })).catch(
      (e: unknown) => e,
    );
    expect(throttled).toBeInstanceOf(ApiError);
    expect(throttled).toMatchObject({ status: 429, code: "too_many_attempts", retryAfter: 120 });

    const weak = await unwrap(api.POST("/api/auth/password", { body: { new_password: "password123" } })).catch(
      (e: unknown) => e,
    );
    expect(weak).toMatchObject({ status: 422, code: "password_rejected", reason: "too_common" });
  });

  it("reports a network failure as network_error", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))),
    );
    await expect(unwrap(api.GET("/api/auth/session"))).rejects.toMatchObject({ code: "network_error", status: 0 });
  });

  it("tells the auth context when a session problem comes back from any route", async () => {
    fakeServer({
      "GET /api/auth/sessions": problem(403, "enrolment_required"),
      "GET /api/users": problem(401, "sign_in_required"),
      "POST /api/auth/sign-in": problem(401, "invalid_credentials"),
    });
    const heard: string[] = [];
    const stop = onSessionProblem((code) => heard.push(code));
    await api.GET("/api/auth/sessions");
    await api.GET("/api/users");
    await api.POST("/api/auth/sign-in", { body: { email: "a@b.org", password: "x" } });
    stop();
    expect(heard).toEqual(["enrolment_required", "sign_in_required"]); // not invalid_credentials
  });
});

import { vi } from "vitest";

/** What a fake route answers: a status and a JSON body (problem bodies get their type). */
export interface Answer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Seen {
  method: string;
  url: string;
  path: string;
  headers: Headers;
  body: unknown;
}

type Handler = Answer | ((seen: Seen) => Answer | Promise<Answer>);

/** An RFC 9457 answer, as the API sends it (with a server-side title the UI must not show). */
export function problem(
  status: number,
  code: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Answer {
  return {
    status,
    body: { type: `urn:accord:problem:${code}`, title: `SERVER TEXT ${code}`, status, code, ...extra },
    headers: { "Content-Type": "application/problem+json", ...headers },
  };
}

/**
 * Stubs fetch (the frontend's outside world) with a route table keyed "METHOD /path".
 * Unknown routes answer 404 not_found. Every request is recorded with its parsed body.
 */
export function fakeServer(routes: Record<string, Handler>) {
  const seen: Seen[] = [];
  const fetch = vi.fn(async (request: Request) => {
    const url = new URL(request.url);
    const text = request.body ? await request.clone().text() : "";
    const entry: Seen = {
      method: request.method,
      url: request.url,
      path: url.pathname,
      headers: request.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    seen.push(entry);
    const handler = routes[`${request.method} ${url.pathname}`];
    const answer =
      handler === undefined
        ? problem(404, "not_found")
        : typeof handler === "function"
          ? await handler(entry)
          : handler;
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { "Content-Type": "application/json", ...answer.headers },
    });
  });
  vi.stubGlobal("fetch", fetch);
  return {
    seen,
    /** Requests to one route, in order. */
    calls: (method: string, path: string) => seen.filter((s) => s.method === method && s.path === path),
    /** Replaces or adds a route while the test runs. */
    route: (key: string, handler: Handler) => {
      routes[key] = handler;
    },
  };
}

export const USER_ID = "0190b7a0-0000-7000-8000-000000000001";

type SessionOverrides = {
  state?: "full" | "second_factor_required" | "enrolment_required";
  roles?: string[];
  password_change_required?: boolean;
  totp_enabled?: boolean;
  passkeys?: number;
  csrf_token?: string;
};

/** A GET /api/auth/session body. */
export function sessionBody(overrides: SessionOverrides = {}) {
  return {
    state: overrides.state ?? "full",
    csrf_token: overrides.csrf_token ?? "csrf-session",
    user: {
      id: USER_ID,
      email: "ales@example.org",
      display_name: "Aleś",
      language: "en",
      platform_roles: overrides.roles ?? [],
      password_change_required: overrides.password_change_required ?? false,
    },
    memberships: [],
    totp_enabled: overrides.totp_enabled ?? false,
    passkeys: overrides.passkeys ?? 0,
    second_factor_fresh: false,
  };
}

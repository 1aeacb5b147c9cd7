import { getLiveness, getReadiness } from "./api";

export type Health = "checking" | "healthy" | "unavailable";
export type CheckState = "ok" | "failed" | "unknown";

/** The readiness checks /readyz reports, in display order. */
export const READINESS_CHECKS = ["database", "keys"] as const;
export type CheckName = (typeof READINESS_CHECKS)[number];

export interface ServerHealth {
  health: Exclude<Health, "checking">;
  checks: Record<CheckName, CheckState>;
  checkedAt: Date;
}

function toCheckState(value: unknown): CheckState {
  if (value === undefined || value === null) return "unknown";
  return value === "ok" ? "ok" : "failed";
}

function readChecks(body: unknown): Record<CheckName, CheckState> {
  const checks = typeof body === "object" && body !== null && "checks" in body ? body.checks : undefined;
  const record = typeof checks === "object" && checks !== null ? (checks as Record<string, unknown>) : {};
  return Object.fromEntries(READINESS_CHECKS.map((name) => [name, toCheckState(record[name])])) as Record<
    CheckName,
    CheckState
  >;
}

/**
 * Asks GET /healthz (liveness) and GET /readyz (readiness). The server is healthy only when
 * both answer 2xx with status "ok"; a 503, an unreadable body or a network error means
 * unavailable. Rejects only when `signal` aborts.
 */
export async function fetchServerHealth(signal?: AbortSignal): Promise<ServerHealth> {
  const [live, ready] = await Promise.allSettled([getLiveness(signal), getReadiness(signal)]);
  signal?.throwIfAborted();

  const alive = live.status === "fulfilled" && live.value.response.ok && live.value.data?.status === "ok";
  // /readyz describes its checks in the body of both the 200 and the 503 answer.
  const readiness: unknown = ready.status === "fulfilled" ? (ready.value.data ?? ready.value.error) : undefined;
  const isReady = ready.status === "fulfilled" && ready.value.response.ok && ready.value.data?.status === "ok";

  return {
    health: alive && isReady ? "healthy" : "unavailable",
    checks: readChecks(readiness),
    checkedAt: new Date(),
  };
}

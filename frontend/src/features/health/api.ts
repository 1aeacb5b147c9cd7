/**
 * The health domain (app/health): liveness and readiness. Unlike the other features' calls,
 * these return the raw answer instead of throwing: a 503 from /readyz is a result to show
 * (its body names the failed checks), not an error.
 */
import { api } from "../../api/client";

export const getLiveness = (signal?: AbortSignal) => api.GET("/healthz", { signal });

export const getReadiness = (signal?: AbortSignal) => api.GET("/readyz", { signal });

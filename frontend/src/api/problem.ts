/**
 * Errors from the API are RFC 9457 problem documents with a stable `code`. The interface
 * shows a translated message per code (shared/errorMessage.ts), never the server's text.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds from a Retry-After header (429), when the server sent one. */
  readonly retryAfter: number | null;
  /** Why a password was rejected (too_short, too_long, too_common, too_guessable). */
  readonly reason: string | null;
  /** validation_failed: the `type` of each field error (missing, email_invalid, …). */
  readonly fieldErrors: readonly string[];

  constructor(
    status: number,
    code: string,
    options: { retryAfter?: number | null; reason?: string | null; fieldErrors?: readonly string[] } = {},
  ) {
    super(code);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfter = options.retryAfter ?? null;
    this.reason = options.reason ?? null;
    this.fieldErrors = options.fieldErrors ?? [];
  }
}

/** Codes made up in the browser (no HTTP answer behind them). */
export const LOCAL_CODES = {
  network: "network_error",
  cancelled: "cancelled",
} as const;

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** The user closed a dialog or a passkey prompt: nothing to report. */
export function isCancelled(error: unknown): boolean {
  return isApiError(error, LOCAL_CODES.cancelled);
}

function readRetryAfter(response: Response): number | null {
  const value = response.headers.get("Retry-After");
  if (!value) return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** The ApiError for an answer that was not 2xx, given its parsed body (if any). */
export function problemFrom(response: Response, body: unknown): ApiError {
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const code = typeof record.code === "string" ? record.code : `http_${response.status}`;
  const reason = typeof record.reason === "string" ? record.reason : null;
  const fieldErrors = Array.isArray(record.errors)
    ? record.errors.flatMap((item: unknown) => {
        const type = typeof item === "object" && item !== null ? (item as Record<string, unknown>).type : null;
        return typeof type === "string" ? [type] : [];
      })
    : [];
  return new ApiError(response.status, code, { retryAfter: readRetryAfter(response), reason, fieldErrors });
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError: the problem
 * document's code, or `network_error` when the server could not be reached.
 */
export async function unwrap<T>(pending: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await pending;
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, LOCAL_CODES.network);
  }
  if (!result.response.ok || result.data === undefined) {
    throw problemFrom(result.response, result.error);
  }
  return result.data;
}

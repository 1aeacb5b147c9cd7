/**
 * The public page's proof of work (ALTCHA v1, app/kit/crypto/proof_of_work.py): find the
 * number n ≤ max_number with SHA-256(salt + n) = challenge, by trying them in this browser
 * (altcha-lib over WebCrypto: no worker, no other origin). The search runs in slices so
 * that the page can show how far it got and stop it when the visitor leaves.
 */
import { solveChallenge } from "altcha-lib/v1";
import { ApiError, LOCAL_CODES } from "../../api/problem";
import type { Challenge } from "./api";

// Numbers tried between two progress reports (a few dozen milliseconds on a phone).
const SLICE = 5000;

/** The solution as the API takes it: base64 of the challenge's JSON with `number`. */
export function proofPayload(challenge: Challenge, number: number): string {
  const { algorithm, challenge: hash, salt, signature } = challenge;
  return btoa(JSON.stringify({ algorithm, challenge: hash, number, salt, signature }));
}

/**
 * Solves `challenge`; `onProgress(share)` hears how much of the range was tried (0 to 1).
 * An aborted `signal` ends it with a cancelled ApiError; a challenge with no solution (not
 * ours, or broken) with `proof_of_work_invalid`, as the server would answer.
 */
export async function solveProofOfWork(
  challenge: Challenge,
  { onProgress, signal }: { onProgress?: (share: number) => void; signal?: AbortSignal } = {},
): Promise<string> {
  const max = challenge.max_number;
  for (let start = 0; start <= max; start += SLICE) {
    if (signal?.aborted) throw new ApiError(0, LOCAL_CODES.cancelled);
    const end = Math.min(start + SLICE - 1, max);
    const { promise, controller } = solveChallenge(
      challenge.challenge,
      challenge.salt,
      challenge.algorithm,
      end,
      start,
    );
    const stop = () => controller.abort();
    signal?.addEventListener("abort", stop);
    try {
      const found = await promise;
      if (found) return proofPayload(challenge, found.number);
    } finally {
      signal?.removeEventListener("abort", stop);
    }
    onProgress?.(Math.min(1, (end + 1) / (max + 1)));
  }
  if (signal?.aborted) throw new ApiError(0, LOCAL_CODES.cancelled);
  throw new ApiError(422, "proof_of_work_invalid");
}

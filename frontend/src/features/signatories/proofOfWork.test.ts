import { createChallenge, verifySolution } from "altcha-lib/v1";
import { describe, expect, it } from "vitest";
import { isApiError } from "../../api/problem";
import type { Challenge } from "./api";
import { solveProofOfWork } from "./proofOfWork";

const KEY = "test-hmac-key";

/** A challenge as the server makes one (its number below `max`). */
async function challenge(max: number, number?: number): Promise<Challenge> {
  const made = await createChallenge({ hmacKey: KEY, maxnumber: max, number, expires: new Date(Date.now() + 600_000) });
  return { ...made, max_number: made.maxnumber ?? max };
}

describe("the proof of work", () => {
  it("finds the number and sends back what the server verifies, reporting progress", async () => {
    const made = await challenge(12_000, 11_000);
    const shares: number[] = [];
    const payload = await solveProofOfWork(made, { onProgress: (share) => shares.push(share) });
    const decoded = JSON.parse(atob(payload)) as Record<string, unknown>;
    expect(decoded).toEqual({
      algorithm: "SHA-256",
      challenge: made.challenge,
      number: 11_000,
      salt: made.salt,
      signature: made.signature,
    });
    expect(await verifySolution(payload, KEY)).toBe(true);
    expect(shares.length).toBe(2);
    expect(shares[0]).toBeLessThan(shares[1] ?? 0);
  });

  it("stops when asked, and fails a challenge that has no solution", async () => {
    const made = await challenge(20_000, 19_999);
    const controller = new AbortController();
    controller.abort();
    await expect(solveProofOfWork(made, { signal: controller.signal })).rejects.toSatisfy((error) =>
      isApiError(error, "cancelled"),
    );
    const broken = { ...made, challenge: "0".repeat(64), max_number: 50 };
    await expect(solveProofOfWork(broken)).rejects.toSatisfy((error) => isApiError(error, "proof_of_work_invalid"));
  });
});

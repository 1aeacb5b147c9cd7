// Shamir secret sharing: npm shamir-secret-sharing 0.0.4 (Privy; audited by Cure53 and
// Zellic), whose shares app/kit/crypto/shamir.py makes and combines byte for byte: GF(2^8) mod
// 0x11b, each share the y bytes followed by one x-coordinate byte.
//
// The library checks `value.constructor === Uint8Array`, which a Buffer or another realm's
// array fails; inputs are copied into plain arrays first. Combining cannot tell a wrong share
// from a right one: check the result (for a custody key, against its public key).
import { combine as combineShares, split as splitShares } from "shamir-secret-sharing";
import { bytes } from "./bytes";

/** Split `secret` into `n` shares of which any `k` recover it (2 <= k <= n <= 255). */
export function split(secret: Uint8Array, n: number, k: number): Promise<Uint8Array[]> {
  return splitShares(bytes(secret), n, k);
}

/** Recover the secret from at least k shares made by `split` here or in shamir.py. */
export function combine(shares: Uint8Array[]): Promise<Uint8Array> {
  return combineShares(shares.map((share) => bytes(share)));
}

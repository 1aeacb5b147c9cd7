/**
 * The browser's side of unsealing (app/signatories/unsealing.py): everything that touches a
 * private key or a share happens here, never on the server. The custody kit is loaded on
 * first use.
 */
import { keyText } from "./api";
import { csvText } from "../../shared/csv";

// The labels the server's crypto binds (app/signatories/custody.py, unsealing.py, service.py).
const SHARE_INFO = "accord/custody-share/v1";
const UNSEAL_SHARE_INFO = "accord/unseal-share/v1";
const IDENTITY_INFO = "accord/signature-identity/v1";

export const custodyKeyName = (userId: string) => `custody:${userId}`;
const requestKeyName = (requestId: string) => `unseal:${requestId}`;

const kit = () => import("../../kit/custody");

/** The 16 bytes of a UUID, as Python's ``uuid.bytes`` gives them. */
export function uuidBytes(id: string): Uint8Array {
  const hex = id.replaceAll("-", "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error("not a UUID");
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

/** base64url (no padding) as the API spells bytes. */
export function rawBytes(text: string): Uint8Array {
  const padded = text
    .replaceAll("-", "+")
    .replaceAll("_", "/")
    .padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

const join = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** A key pair made for one unsealing request: the public half goes with the request, the
 * private half stays in this browser's key store until the names are opened. */
export async function newRequestKey(): Promise<{ publicKey: string; keep: (requestId: string) => Promise<void> }> {
  const custody = await kit();
  const pair = await custody.generateCustodyKeyPair();
  return {
    publicKey: keyText(pair.publicKey),
    keep: async (requestId) => {
      await custody.saveCustodyKey(requestKeyName(requestId), pair);
    },
  };
}

/** This browser's custody key, or the one in a key file the custodian chose. */
export async function custodianKey(userId: string, file?: { text: string; passphrase: string }) {
  const custody = await kit();
  if (file) return (await custody.readKeyFile(file.text, file.passphrase)).privateKey;
  const stored = await custody.loadCustodyKey(custodyKeyName(userId));
  return stored?.privateKey ?? null;
}

/** Open one's own share with one's custody key and seal it to the request's key. */
export async function reseal(args: {
  appealId: string;
  requestId: string;
  userId: string;
  mySealedShare: string;
  requestPublicKey: string;
  privateKey: Uint8Array | CryptoKey;
}): Promise<string> {
  const custody = await kit();
  const me = uuidBytes(args.userId);
  const share = await custody.openSealed(args.privateKey, rawBytes(args.mySealedShare), {
    info: SHARE_INFO,
    aad: join(uuidBytes(args.appealId), me),
  });
  const sealed = await custody.seal(rawBytes(args.requestPublicKey), share, {
    info: UNSEAL_SHARE_INFO,
    aad: join(uuidBytes(args.requestId), me),
  });
  return keyText(sealed);
}

export interface OpenedIdentity {
  signatureId: string;
  kind: string;
  tier: string;
  status: string;
  name: string;
  line: string;
  mandate: string;
}

/** Combine the shares sealed to this request, check them against the appeal's public key,
 * and open every identity. Throws when the shares do not give the appeal's key. */
export async function openIdentities(
  bundle: {
    appeal_id: string;
    custody_public_key: string;
    shares: { custodian_id: string; sealed_share: string }[];
    identities: { signature_id: string; kind: string; tier: string; status: string; sealed_identity: string }[];
  },
  requestId: string,
): Promise<OpenedIdentity[]> {
  const custody = await kit();
  const stored = await custody.loadCustodyKey(requestKeyName(requestId));
  if (!stored) throw new custody.CustodyError("this browser does not hold the key of this request");
  const shares = await Promise.all(
    bundle.shares.map((s) =>
      custody.openSealed(stored.privateKey, rawBytes(s.sealed_share), {
        info: UNSEAL_SHARE_INFO,
        aad: join(uuidBytes(requestId), uuidBytes(s.custodian_id)),
      }),
    ),
  );
  const privateKey = await custody.combine(shares);
  if (keyText(await custody.publicKeyOf(privateKey)) !== bundle.custody_public_key) {
    throw new custody.CustodyError("the shares do not give this appeal's key");
  }
  const decoder = new TextDecoder();
  const opened = await Promise.all(
    bundle.identities.map(async (item) => {
      const plain = await custody.openSealed(privateKey, rawBytes(item.sealed_identity), {
        info: IDENTITY_INFO,
        aad: join(uuidBytes(bundle.appeal_id), uuidBytes(item.signature_id)),
      });
      const identity = JSON.parse(decoder.decode(plain)) as {
        name?: string;
        line?: string;
        mandate?: { resolved_on?: string; reference?: string };
      };
      return {
        signatureId: item.signature_id,
        kind: item.kind,
        tier: item.tier,
        status: item.status,
        name: identity.name ?? "",
        line: identity.line ?? "",
        mandate: identity.mandate
          ? `${identity.mandate.resolved_on ?? ""} ${identity.mandate.reference ?? ""}`.trim()
          : "",
      };
    }),
  );
  await custody.deleteCustodyKey(requestKeyName(requestId));
  return opened;
}

/** The opened identities as CSV (shared/csv.ts defuses formulas). */
export function toCsv(rows: OpenedIdentity[]): string {
  return csvText(
    ["name", "line", "kind", "tier", "status", "mandate"],
    rows.map((r) => [r.name, r.line, r.kind, r.tier, r.status, r.mandate]),
  );
}

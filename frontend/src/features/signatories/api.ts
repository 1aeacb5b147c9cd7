/** The signing domain (app/signatories) over the generated client; failures throw ApiError. */
import { api } from "../../api/client";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type Signing = Schemas["SigningRead"];
export type SigningWindowInput = Schemas["SigningWindowIn"];
export type SignatureInput = Schemas["SignatureCreate"];
export type MySignature = Schemas["MySignatureRead"];
export type SignOption = Schemas["SignOption"];
export type Tier = SignatureInput["tier"];
export type Counts = Schemas["CountsRead"];
export type CustodianCandidate = Schemas["CustodianCandidate"];

export const TIERS: readonly Tier[] = ["public", "withheld", "counted"];

const appealPath = (appealId: string) => ({ path: { appeal_id: appealId } });
const signaturePath = (appealId: string, signatureId: string) => ({
  path: { appeal_id: appealId, signature_id: signatureId },
});

export const getSigning = (appealId: string) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/signing", { params: appealPath(appealId) }));

export const openForSignatures = (appealId: string, body: SigningWindowInput) =>
  unwrap(api.POST("/api/appeals/{appeal_id}/signing", { params: appealPath(appealId), body }));

export const listCustodianCandidates = (appealId: string) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/custodian-candidates", { params: appealPath(appealId) }));

export const sign = (appealId: string, body: SignatureInput) =>
  unwrap(api.POST("/api/appeals/{appeal_id}/signatures", { params: appealPath(appealId), body }));

export const listPublicSignatures = (appealId: string, cursor?: string | null) =>
  unwrap(
    api.GET("/api/appeals/{appeal_id}/signatures", {
      params: { ...appealPath(appealId), query: cursor ? { cursor } : {} },
    }),
  );

export const confirmSignature = (appealId: string, signatureId: string) =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/signatures/{signature_id}/confirm", {
      params: signaturePath(appealId, signatureId),
    }),
  );

export const reconsent = (appealId: string, signatureId: string, revisionSha256: string) =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/signatures/{signature_id}/reconsent", {
      params: signaturePath(appealId, signatureId),
      body: { revision_sha256: revisionSha256 },
    }),
  );

export const withdrawSignature = (appealId: string, signatureId: string) =>
  unwrap(
    api.DELETE("/api/appeals/{appeal_id}/signatures/{signature_id}", {
      params: signaturePath(appealId, signatureId),
    }),
  );

export const listOpenAppeals = () => unwrap(api.GET("/api/signing"));

export const checkReceipt = (code: string) => unwrap(api.POST("/api/signature-receipts/check", { body: { code } }));

// --- the public page (no account: app/signatories/public_router.py) -----------------------

export type PublicAppeal = Schemas["PublicAppealRead"];
export type Challenge = Schemas["ChallengeRead"];
export type PublicSignatureInput = Schemas["PublicSignatureCreate"];
export type PublicReceipt = Schemas["PublicReceipt"];
export type Receipt = Schemas["ReceiptRead"];
export type EmailLanguage = PublicSignatureInput["language"];

export const getPublicAppeal = (appealId: string) =>
  unwrap(api.GET("/api/public/appeals/{appeal_id}", { params: appealPath(appealId) }));

export const newChallenge = () => unwrap(api.POST("/api/public/challenges"));

export const signPublicly = (appealId: string, body: PublicSignatureInput) =>
  unwrap(api.POST("/api/public/appeals/{appeal_id}/signatures", { params: appealPath(appealId), body }));

export const confirmPublicSignature = (
  appealId: string,
  email: string,
  code: string,
  updates: boolean,
  language: EmailLanguage,
) =>
  unwrap(
    api.POST("/api/public/appeals/{appeal_id}/signatures/confirm", {
      params: appealPath(appealId),
      body: { email, code, updates, language },
    }),
  );

export const unsubscribeFromUpdates = (token: string) =>
  unwrap(api.POST("/api/public/updates/unsubscribe", { body: { token } }));

export const askPublicWithdrawal = (appealId: string, receiptCode: string, email: string, language: EmailLanguage) =>
  unwrap(
    api.POST("/api/public/appeals/{appeal_id}/withdrawals", {
      params: appealPath(appealId),
      body: { receipt_code: receiptCode, email, language },
    }),
  );

export const askPublicReconsent = (appealId: string, receiptCode: string, email: string, language: EmailLanguage) =>
  unwrap(
    api.POST("/api/public/appeals/{appeal_id}/reconsents", {
      params: appealPath(appealId),
      body: { receipt_code: receiptCode, email, language },
    }),
  );

export const reconsentPublicSignature = (appealId: string, receiptCode: string, code: string, revisionSha256: string) =>
  unwrap(
    api.POST("/api/public/appeals/{appeal_id}/reconsents/confirm", {
      params: appealPath(appealId),
      body: { receipt_code: receiptCode, code, revision_sha256: revisionSha256 },
    }),
  );

export const withdrawPublicSignature = (appealId: string, receiptCode: string, code: string) =>
  unwrap(
    api.POST("/api/public/appeals/{appeal_id}/withdrawals/confirm", {
      params: appealPath(appealId),
      body: { receipt_code: receiptCode, code },
    }),
  );

export const getCustodyKey = () => unwrap(api.GET("/api/custody/key"));

export const setCustodyKey = (publicKey: string) =>
  unwrap(api.PUT("/api/custody/key", { body: { public_key: publicKey } }));

/** Raw key bytes as the API spells them: base64url without padding. */
export function keyText(raw: Uint8Array): string {
  let binary = "";
  for (const byte of raw) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export type UnsealRequests = Schemas["UnsealRequests"];
export type UnsealRequest = Schemas["UnsealRequestRead"];

export const listUnsealRequests = (appealId: string) =>
  unwrap(api.GET("/api/appeals/{appeal_id}/unseal-requests", { params: appealPath(appealId) }));

export const requestUnsealing = (appealId: string, reason: string, publicKey: string) =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/unseal-requests", {
      params: appealPath(appealId),
      body: { reason, public_key: publicKey },
    }),
  );

export const approveUnsealing = (appealId: string, requestId: string, sealedShare: string) =>
  unwrap(
    api.POST("/api/appeals/{appeal_id}/unseal-requests/{request_id}/approvals", {
      params: { path: { appeal_id: appealId, request_id: requestId } },
      body: { sealed_share: sealedShare },
    }),
  );

export const getUnsealBundle = (appealId: string, requestId: string) =>
  unwrap(
    api.GET("/api/appeals/{appeal_id}/unseal-requests/{request_id}/bundle", {
      params: { path: { appeal_id: appealId, request_id: requestId } },
    }),
  );

export type InvalidationCondition = Schemas["InvalidationCondition"];
export type InvalidationPreview = Schemas["InvalidationPreview"];

export const previewInvalidation = (appealId: string, body: InvalidationCondition) =>
  unwrap(api.POST("/api/appeals/{appeal_id}/invalidations/preview", { params: appealPath(appealId), body }));

export const invalidateSignatures = (
  appealId: string,
  body: InvalidationCondition & { reason: string; expected: number },
) => unwrap(api.POST("/api/appeals/{appeal_id}/invalidations", { params: appealPath(appealId), body }));

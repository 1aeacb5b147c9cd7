/**
 * The auth domain (app/auth and its account, factors, passkeys and sessions packages) over
 * the generated client: one typed function per call, throwing ApiError on failure.
 */
import { api } from "../../api/client";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type Session = Schemas["SessionInfo"];
/** Why the session this browser held ended (said once, by GET /api/auth/session). */
export type SessionEnded = NonNullable<Schemas["AnonymousSession"]["ended"]>;
export type OidcConfig = Schemas["OidcConfig"];
export type TotpEnrolment = Schemas["TotpEnrolmentRead"];
export type TotpConfirmed = Schemas["TotpEnrolmentConfirmed"];
export type Passkey = Schemas["PasskeyRead"];
export type PasswordChangeInput = Schemas["PasswordChangeInput"];
export type PasswordChanged = Schemas["PasswordChanged"];
export type EmailChangeInput = Schemas["EmailChangeInput"];
export type SessionRead = Schemas["SessionRead"];

// --- session and sign-in -------------------------------------------------------------------

export const getSession = () => unwrap(api.GET("/api/auth/session"));

export const signIn = (email: string, password: string) =>
  unwrap(api.POST("/api/auth/sign-in", { body: { email, password } }));

export const signOut = () => unwrap(api.POST("/api/auth/sign-out"));

/** Single sign-on's settings; `enabled` is false where the deployment has none. */
export const getOidcConfig = () => unwrap(api.GET("/api/auth/oidc/config"));

const SECOND_FACTOR_PATHS = {
  totp: "/api/auth/second-factor/totp",
  recovery_code: "/api/auth/second-factor/recovery-code",
} as const;
export type CodeMethod = keyof typeof SECOND_FACTOR_PATHS;

/** Proves the second factor with a code from the app or a recovery code. */
export const verifySecondFactorCode = (method: CodeMethod, code: string) =>
  unwrap(api.POST(SECOND_FACTOR_PATHS[method], { body: { code } }));

// --- passkeys ------------------------------------------------------------------------------

/** The options of a passkey assertion: sign in (`sign_in`) or prove the second factor. */
export const startPasskeyAuthentication = (purpose: "sign_in" | "second_factor") =>
  unwrap(api.POST("/api/auth/passkeys/authentication/options", { body: { purpose } }));

export const finishPasskeyAuthentication = (handle: string, credential: Record<string, unknown>) =>
  unwrap(api.POST("/api/auth/passkeys/authentication/verify", { body: { handle, credential } }));

export const startPasskeyRegistration = (name: string) =>
  unwrap(api.POST("/api/auth/passkeys/registration/options", { body: { name } }));

export const finishPasskeyRegistration = (handle: string, name: string, credential: Record<string, unknown>) =>
  unwrap(api.POST("/api/auth/passkeys/registration/verify", { body: { handle, name, credential } }));

export const listPasskeys = () => unwrap(api.GET("/api/auth/passkeys"));

const passkey = (passkeyId: string) => ({ params: { path: { passkey_id: passkeyId } } });

export const renamePasskey = (passkeyId: string, name: string) =>
  unwrap(api.PATCH("/api/auth/passkeys/{passkey_id}", { ...passkey(passkeyId), body: { name } }));

export const removePasskey = (passkeyId: string) =>
  unwrap(api.DELETE("/api/auth/passkeys/{passkey_id}", passkey(passkeyId)));

// --- authenticator app and recovery codes --------------------------------------------------

export const startTotpEnrolment = () => unwrap(api.POST("/api/auth/totp/enrolment"));

export const confirmTotpEnrolment = (code: string) =>
  unwrap(api.POST("/api/auth/totp/enrolment/confirm", { body: { code } }));

export const removeTotp = () => unwrap(api.DELETE("/api/auth/totp"));

export const countRecoveryCodes = () => unwrap(api.GET("/api/auth/recovery-codes"));

/** New recovery codes; the old ones stop working. */
export const issueRecoveryCodes = () => unwrap(api.POST("/api/auth/recovery-codes"));

// --- password and email --------------------------------------------------------------------

export const changePassword = (body: PasswordChangeInput) => unwrap(api.POST("/api/auth/password", { body }));

export const getPendingEmailChange = () => unwrap(api.GET("/api/auth/email/pending"));

/** Mails a code to the new address; the change waits for it (confirmEmailChange). */
export const requestEmailChange = (body: EmailChangeInput) => unwrap(api.POST("/api/auth/email", { body }));

export const confirmEmailChange = (code: string) => unwrap(api.POST("/api/auth/email/confirm", { body: { code } }));

export const cancelEmailChange = () => unwrap(api.DELETE("/api/auth/email/pending"));

// --- sessions ------------------------------------------------------------------------------

export const listSessions = () => unwrap(api.GET("/api/auth/sessions"));

export const revokeSession = (sessionId: string) =>
  unwrap(api.DELETE("/api/auth/sessions/{session_id}", { params: { path: { session_id: sessionId } } }));

/** Ends every session of the account, this one included. */
export const revokeAllSessions = () => unwrap(api.POST("/api/auth/sessions/revoke-all"));

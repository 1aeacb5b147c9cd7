import { ApiError, LOCAL_CODES } from "../../api/problem";
import {
  finishPasskeyAuthentication,
  finishPasskeyRegistration,
  startPasskeyAuthentication,
  startPasskeyRegistration,
} from "./api";

/**
 * Passkey ceremonies: the server's options (WebAuthn JSON) → the browser's authenticator →
 * credential.toJSON() back to the server. The browser binds the credential to this origin,
 * which is what makes a passkey immune to phishing.
 */

export function passkeysSupported(): boolean {
  return (
    typeof window.PublicKeyCredential === "function" &&
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function" &&
    typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function" &&
    // The DOM types declare navigator.credentials always present; outside a secure context it is not.
    typeof (navigator.credentials as CredentialsContainer | undefined)?.get === "function"
  );
}

/**
 * The authenticator's refusals, as error codes the interface can explain. WebAuthn reports a
 * cancel and a failed fingerprint or screen lock the same way (NotAllowedError), on purpose:
 * when signing in, a neutral "the passkey was not used" covers both; when registering, the
 * person chose not to, and there is nothing to report.
 */
function authenticatorError(error: unknown, ceremony: "get" | "create"): ApiError {
  if (error instanceof DOMException) {
    if (error.name === "NotAllowedError" || error.name === "AbortError")
      return new ApiError(0, ceremony === "get" ? "passkey_not_used" : LOCAL_CODES.cancelled);
    // InvalidStateError on create: this authenticator already holds a passkey for the account.
    if (error.name === "InvalidStateError") return new ApiError(0, "passkey_already_registered");
  }
  return new ApiError(0, "passkey_failed");
}

async function withAuthenticator<T>(kind: "get" | "create", ceremony: () => Promise<T>): Promise<T> {
  if (!passkeysSupported()) throw new ApiError(0, "passkey_unsupported");
  try {
    return await ceremony();
  } catch (error) {
    throw authenticatorError(error, kind);
  }
}

async function assertion(options: Record<string, unknown>): Promise<Record<string, unknown>> {
  return withAuthenticator("get", async () => {
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(
      options as unknown as PublicKeyCredentialRequestOptionsJSON,
    );
    const credential = await navigator.credentials.get({ publicKey });
    if (!(credential instanceof PublicKeyCredential)) throw new DOMException("no credential", "NotAllowedError");
    return credential.toJSON() as unknown as Record<string, unknown>;
  });
}

/**
 * Signs in (`sign_in`: no password, a discoverable passkey) or proves the second factor
 * (`second_factor`: after the password, or as a step-up). Returns the new CSRF token.
 */
export async function authenticateWithPasskey(purpose: "sign_in" | "second_factor") {
  const { handle, options } = await startPasskeyAuthentication(purpose);
  const credential = await assertion(options);
  return finishPasskeyAuthentication(handle, credential);
}

/** Registers a new passkey under `name`; the session comes back renewed (new CSRF token). */
export async function registerPasskey(name: string) {
  const { handle, options } = await startPasskeyRegistration(name);
  const credential = await withAuthenticator("create", async () => {
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(
      options as unknown as PublicKeyCredentialCreationOptionsJSON,
    );
    const created = await navigator.credentials.create({ publicKey });
    if (!(created instanceof PublicKeyCredential)) throw new DOMException("no credential", "NotAllowedError");
    return created.toJSON() as unknown as Record<string, unknown>;
  });
  return finishPasskeyRegistration(handle, name, credential);
}

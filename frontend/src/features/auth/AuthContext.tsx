import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { onSessionProblem } from "../../api/authEvents";
import { setCsrfToken } from "../../api/csrf";
import { adoptAccountLanguage } from "../../i18n";
import { signOut as endSession, type SessionEnded } from "./api";
import { fetchSession, type Session } from "./session";

export type AuthState =
  | { status: "loading" }
  | { status: "unavailable" } // the session could not be read (server down): try again
  // signedOut: the user ended the session here (not expired): no way back to the last page.
  // ended: why the session this browser held ended elsewhere (the sign-in page says so).
  | { status: "anonymous"; signedOut?: boolean; ended?: SessionEnded | null }
  | { status: "signed_in"; session: Session };

interface Auth {
  state: AuthState;
  /** Reads the session again (after any change the server made to it). */
  refresh: () => Promise<Session | null>;
  /** After sign-in or a proven factor: keep the new CSRF token and read the new session. */
  completeStep: (csrfToken: string) => Promise<Session | null>;
  /**
   * Signs out; the server ends the session (the cookie stops working everywhere).
   * `then` runs in the same tick as the state change (say, a navigation), so the page the
   * user left never sees an anonymous state and sends them to sign in with a way back.
   */
  signOut: (then?: () => void) => Promise<void>;
  /** The session is over (signed out everywhere, expired): forget it here. */
  forget: (signedOut?: boolean) => void;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: "loading" });
  const latest = useRef(0);
  const askingWhy = useRef(false);

  const refresh = useCallback(async () => {
    const call = ++latest.current; // only the newest answer counts
    try {
      const { session, ended } = await fetchSession();
      if (call === latest.current)
        setState(session ? { status: "signed_in", session } : { status: "anonymous", ended });
      return session;
    } catch {
      if (call === latest.current) setState({ status: "unavailable" });
      return null;
    }
  }, []);

  const forget = useCallback((signedOut = false) => {
    latest.current++;
    setCsrfToken(null);
    setState({ status: "anonymous", signedOut });
  }, []);

  const completeStep = useCallback(
    async (csrfToken: string) => {
      setCsrfToken(csrfToken);
      return refresh();
    },
    [refresh],
  );

  const signOut = useCallback(
    async (then?: () => void) => {
      // Whatever the answer (even none), this browser forgets the session.
      await endSession().catch(() => undefined);
      then?.();
      forget(true);
    },
    [forget],
  );

  useEffect(() => {
    void refresh();
    return onSessionProblem((problem) => {
      if (problem !== "sign_in_required") {
        void refresh();
        return;
      }
      // The session ended under the user's feet: forget it at once, then ask the server why
      // (it says so once), for the sign-in page to tell them. Once: should that question be
      // refused with a 401 too, it must not ask again.
      forget(false);
      if (askingWhy.current) return;
      askingWhy.current = true;
      void refresh().finally(() => {
        askingWhy.current = false;
      });
    });
  }, [refresh, forget]);

  const language = state.status === "signed_in" ? state.session.user.language : null;
  useEffect(() => {
    if (language) adoptAccountLanguage(language);
  }, [language]);

  const value = useMemo(
    () => ({ state, refresh, completeStep, signOut, forget }),
    [state, refresh, completeStep, signOut, forget],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside <AuthProvider>");
  return auth;
}

/** The signed-in session; only for components rendered behind a guard. */
export function useSession(): Session {
  const { state } = useAuth();
  if (state.status !== "signed_in") throw new Error("useSession without a session");
  return state.session;
}

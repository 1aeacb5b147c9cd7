import { setCsrfToken } from "../../api/csrf";
import { isApiError } from "../../api/problem";
import { getSession, type Session, type SessionEnded } from "./api";

export type { Session };

/**
 * Where a signed-in user stands: what they must do before anything else.
 * `verify`: prove the second factor; `password`: replace a one-time password;
 * `enrol`: set up a second factor (admins and coordinators must have one); `full`: done.
 */
export type Step = "verify" | "password" | "enrol" | "full";

export function stepOf(session: Session): Step {
  if (session.state === "second_factor_required") return "verify";
  // The server lets a first sign-in change the password before enrolling, not before the
  // second factor is proven.
  if (session.user.password_change_required) return "password";
  if (session.state === "enrolment_required") return "enrol";
  return "full";
}

export const STEP_PATHS: Record<Exclude<Step, "full">, string> = {
  verify: "/sign-in/verify",
  password: "/sign-in/new-password",
  enrol: "/sign-in/enrol",
};

/** Where to go next: the pending step's page, or back to where the user was headed. */
export function pathForStep(step: Step, destination: string | undefined): string {
  if (step !== "full") return STEP_PATHS[step];
  return destination && isLocalPath(destination) ? destination : "/";
}

/** A path inside this app (never "//host" or a full URL). */
export function isLocalPath(path: string): boolean {
  return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\");
}

export function isAdmin(session: Session): boolean {
  return session.user.platform_roles.includes("admin");
}

/**
 * GET /api/auth/session: the session (and its CSRF token), or nobody, and then why the
 * session this browser held has ended, if it just did.
 */
export async function fetchSession(): Promise<{ session: Session | null; ended: SessionEnded | null }> {
  let answer;
  try {
    answer = await getSession();
  } catch (error) {
    // The server answers nobody with 200 "anonymous"; a 401 (from a proxy, say) means the same.
    if (!(isApiError(error) && error.status === 401)) throw error;
    answer = { state: "anonymous", ended: null } as const;
  }
  if (answer.state === "anonymous") {
    setCsrfToken(null);
    return { session: null, ended: answer.ended };
  }
  setCsrfToken(answer.csrf_token);
  return { session: answer, ended: null };
}

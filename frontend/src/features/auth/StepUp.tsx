import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { setCsrfToken } from "../../api/csrf";
import { ApiError, LOCAL_CODES, isApiError } from "../../api/problem";
import { Dialog } from "../../shared/Dialog";
import { useAuth } from "./AuthContext";
import { SecondFactorChoices } from "./SecondFactorChoices";

type StepUp = <T>(action: () => Promise<T>) => Promise<T>;

const StepUpContext = createContext<StepUp | null>(null);

interface Pending {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Sensitive changes need a second factor proven within the last few minutes; the server
 * answers 403 step_up_required otherwise. `stepUp(action)` runs the action and, on that
 * answer, asks for the second factor in a dialog and runs the action once more. Closing the
 * dialog rejects with a `cancelled` error, which forms ignore.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const pendingRef = useRef<Pending | null>(null);

  const ask = useCallback(
    () =>
      new Promise<void>((resolve, reject) => {
        const entry = { resolve, reject };
        pendingRef.current = entry;
        setPending(entry);
      }),
    [],
  );

  const finish = useCallback((outcome: "verified" | "cancelled") => {
    const entry = pendingRef.current;
    pendingRef.current = null;
    setPending(null);
    if (outcome === "verified") entry?.resolve();
    else entry?.reject(new ApiError(0, LOCAL_CODES.cancelled));
  }, []);

  const stepUp = useCallback(
    async <T,>(action: () => Promise<T>): Promise<T> => {
      try {
        return await action();
      } catch (error) {
        if (!isApiError(error, "step_up_required")) throw error;
        await ask();
        return action();
      }
    },
    [ask],
  );

  return (
    <StepUpContext.Provider value={stepUp}>
      {children}
      {pending ? <StepUpDialog onDone={finish} /> : null}
    </StepUpContext.Provider>
  );
}

function StepUpDialog({ onDone }: { onDone: (outcome: "verified" | "cancelled") => void }) {
  const { t } = useTranslation();
  const { state } = useAuth();
  const session = state.status === "signed_in" ? state.session : null;
  const verified = (csrfToken: string) => {
    setCsrfToken(csrfToken); // the session was renewed: the retry must carry the new token
    onDone("verified");
  };
  return (
    <Dialog labelledBy="step-up-heading" onCancel={() => onDone("cancelled")}>
      <h2 id="step-up-heading">{t("stepUp.title")}</h2>
      <p>{t("stepUp.intro")}</p>
      {session ? <SecondFactorChoices session={session} onVerified={verified} /> : null}
      <div className="dialog__footer">
        <button type="button" className="button" onClick={() => onDone("cancelled")}>
          {t("common.cancel")}
        </button>
      </div>
    </Dialog>
  );
}

export function useStepUp(): StepUp {
  const stepUp = useContext(StepUpContext);
  if (!stepUp) throw new Error("useStepUp outside <StepUpProvider>");
  return stepUp;
}

import { createContext, useCallback, useContext, useId, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, LOCAL_CODES } from "../api/problem";
import { Dialog } from "./Dialog";

export interface ConfirmQuestion {
  /** The question, as a heading: "Remove Alina from this organization?" */
  title: string;
  /** What follows from saying yes, when it is not obvious ("They will be signed out."). */
  body?: string;
  /** The button that goes ahead, named after the action ("Remove"), never "OK". */
  confirmLabel: string;
  /** Destructive or hard to undo: the button is red. */
  danger?: boolean;
}

type Confirm = (question: ConfirmQuestion) => Promise<void>;

const ConfirmContext = createContext<Confirm | null>(null);

interface Pending {
  question: ConfirmQuestion;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Consequential changes are confirmed in the page, in a modal dialog (never the browser's
 * `confirm()`, which cannot be styled, translated or read out properly). `await
 * confirm(question)` resolves when the person goes ahead and rejects with a `cancelled`
 * error otherwise, which useAction ignores: no message, nothing changed.
 */
export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const pendingRef = useRef<Pending | null>(null);

  const confirm = useCallback(
    (question: ConfirmQuestion) =>
      new Promise<void>((resolve, reject) => {
        pendingRef.current?.reject(new ApiError(0, LOCAL_CODES.cancelled));
        const entry = { question, resolve, reject };
        pendingRef.current = entry;
        setPending(entry);
      }),
    [],
  );

  const finish = useCallback((goAhead: boolean) => {
    const entry = pendingRef.current;
    pendingRef.current = null;
    setPending(null);
    if (goAhead) entry?.resolve();
    else entry?.reject(new ApiError(0, LOCAL_CODES.cancelled));
  }, []);

  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      {pending ? <ConfirmDialog question={pending.question} onDone={finish} /> : null}
    </ConfirmContext.Provider>
  );
}

function ConfirmDialog({ question, onDone }: { question: ConfirmQuestion; onDone: (goAhead: boolean) => void }) {
  const { t } = useTranslation();
  const headingId = useId();
  return (
    <Dialog labelledBy={headingId} onCancel={() => onDone(false)}>
      <h2 id={headingId}>{question.title}</h2>
      {question.body ? <p>{question.body}</p> : null}
      <div className="dialog__footer actions">
        {/* Cancel first and focused: Enter on a dialog that opened by surprise changes nothing. */}
        {/* eslint-disable-next-line jsx-a11y/no-autofocus -- a modal dialog moves focus into itself */}
        <button type="button" className="button" autoFocus onClick={() => onDone(false)}>
          {t("common.cancel")}
        </button>
        <button
          type="button"
          className={question.danger ? "button button--danger" : "button button--primary"}
          onClick={() => onDone(true)}
        >
          {question.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

export function useConfirm(): Confirm {
  const confirm = useContext(ConfirmContext);
  if (!confirm) throw new Error("useConfirm outside <ConfirmProvider>");
  return confirm;
}

import { useCallback, useState } from "react";
import { isCancelled } from "../api/problem";

/**
 * State for one user action (a form submit, a button): `busy` while it runs, `error` when
 * it failed (shown by <ErrorAlert>), `notice` when it succeeded (shown by <Notice>, a
 * status region): every change says what happened. A new run clears the last message, so
 * none stays on screen from before. A cancelled dialog or passkey prompt is neither an
 * error nor a success.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const run = useCallback(async <T>(action: () => Promise<T>, done?: string): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const result = await action();
      if (done !== undefined) setNotice(done);
      return result;
    } catch (caught) {
      if (!isCancelled(caught)) setError(caught);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);

  return { busy, error, notice, run, setError, setNotice };
}

import { useCallback, useState } from "react";
import { isCancelled } from "../api/problem";

/**
 * State for one user action (a form submit, a button): `busy` while it runs, `error` when
 * it failed (shown by <ErrorAlert>). A cancelled dialog or passkey prompt is not an error.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = useCallback(async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (caught) {
      if (!isCancelled(caught)) setError(caught);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);

  return { busy, error, run, setError };
}

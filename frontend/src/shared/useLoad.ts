import { useCallback, useEffect, useState } from "react";

/**
 * Loads data for a section and reloads it on request. `error` holds a failed load (shown
 * with <ErrorAlert>); a newer load supersedes an older one still in flight.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (value) => live && setData(value),
      (caught: unknown) => live && setError(caught),
    );
    return () => {
      live = false;
    };
    // `load` is re-created on every render; the caller's `deps` say when its inputs changed, as
    // with useEffect itself, so the rule cannot check this list here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version, ...deps]);

  const reload = useCallback(() => setVersion((n) => n + 1), []);
  return { data, error, reload, setData };
}

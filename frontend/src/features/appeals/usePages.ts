import { useCallback, useEffect, useRef, useState } from "react";
import type { Page } from "../../api/page";

/**
 * A keyset-paginated list read one page at a time: the first page when `deps` change, the
 * next on `more()` (appended). Nothing beyond what the person asked for is loaded.
 */
export function usePages<T>(load: (cursor: string | null) => Promise<Page<T>>, deps: readonly unknown[]) {
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const fetchPage = useCallback(async (cursor: string | null, append: boolean) => {
    const mine = ++generation.current;
    setBusy(true);
    setError(null);
    try {
      const page = await loadRef.current(cursor);
      if (mine !== generation.current) return;
      setItems((previous) => (append && previous ? [...previous, ...page.items] : page.items));
      setNext(page.next_cursor);
    } catch (caught) {
      if (mine === generation.current) setError(caught);
    } finally {
      if (mine === generation.current) setBusy(false);
    }
  }, []);

  useEffect(() => {
    setItems(null);
    void fetchPage(null, false);
    // `deps` say when the list's inputs changed, as with useEffect itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  const more = useCallback(() => {
    if (next) void fetchPage(next, true);
  }, [next, fetchPage]);
  const reload = useCallback(() => void fetchPage(null, false), [fetchPage]);

  return { items, hasMore: next !== null, more, reload, error, busy };
}

import { useEffect, useState } from "react";
import { getMailboxAvailability } from "./api";

/**
 * Whether this server has the development mailbox (a development server in dev mail mode).
 * Asked of a route that always answers 200, so that no browser logs a 404 on every page.
 */
export function useMailboxAvailable(): boolean {
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    let live = true;
    getMailboxAvailability().then(
      (data) => live && setAvailable(data.available),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return available;
}

import { useEffect, useState } from "react";
import { api } from "../../api/client";

/**
 * Whether this server has the development mailbox (a development server in dev mail mode).
 * Asked of a route that always answers 200, so that no browser logs a 404 on every page.
 */
export function useMailboxAvailable(): boolean {
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    let live = true;
    api.GET("/api/dev/mailbox-availability").then(
      ({ data }) => live && setAvailable(data?.available === true),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return available;
}

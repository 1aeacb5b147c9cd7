import { useEffect, useState } from "react";
import { api } from "../../api/client";

/**
 * Whether this server has the development mailbox (a development server in dev mail mode).
 * Everywhere else the route answers 404 and the navigation leaves the entry out.
 */
export function useMailboxAvailable(): boolean {
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    let live = true;
    api.GET("/api/dev/mailbox").then(
      ({ response }) => live && setAvailable(response.ok),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return available;
}

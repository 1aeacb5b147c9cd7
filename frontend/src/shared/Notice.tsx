import type { ReactNode } from "react";

/** A quiet confirmation ("Saved"), announced politely (role="status"). */
export function Notice({ children }: { children: ReactNode }) {
  if (children === null || children === undefined || children === false) return null;
  return (
    <p role="status" className="alert alert--ok">
      {children}
    </p>
  );
}

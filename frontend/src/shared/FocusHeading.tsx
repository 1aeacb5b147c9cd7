import { useEffect, useRef, type ReactNode } from "react";

/**
 * A heading that takes focus when it appears: when one step of a page replaces another
 * without navigation (sign-in → code, set-up → recovery codes), screen readers announce the
 * new step and keyboard users continue from it.
 */
export function FocusHeading({ level = 2, children, id }: { level?: 1 | 2 | 3; children: ReactNode; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  const Tag = `h${level}` as const;
  return (
    <Tag ref={ref} tabIndex={-1} id={id} className="focus-heading">
      {children}
    </Tag>
  );
}

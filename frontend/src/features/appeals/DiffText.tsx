import { useTranslation } from "react-i18next";

export interface DiffSegment {
  op: "equal" | "insert" | "delete";
  text: string;
}

/**
 * Diff segments as text with <del> and <ins>: struck through and underlined on screen, and
 * said as "deleted" / "inserted" by screen readers (which mostly ignore those elements).
 */
export function DiffText({ segments }: { segments: readonly DiffSegment[] }) {
  const { t } = useTranslation();
  return (
    <>
      {segments.map((segment, index) => {
        const key = `${index}-${segment.op}`;
        if (segment.op === "insert") {
          return (
            <ins key={key}>
              <span className="visually-hidden">[{t("appeals.diff.inserted")}: </span>
              {segment.text}
              <span className="visually-hidden">]</span>
            </ins>
          );
        }
        if (segment.op === "delete") {
          return (
            <del key={key}>
              <span className="visually-hidden">[{t("appeals.diff.deleted")}: </span>
              {segment.text}
              <span className="visually-hidden">]</span>
            </del>
          );
        }
        return <span key={key}>{segment.text}</span>;
      })}
    </>
  );
}

import { useId, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

// Letters that carry their mark in themselves (no decomposition drops it): "Łoika" is found
// by typing "loika".
const PLAIN: Record<string, string> = { ł: "l", ø: "o", đ: "d", ß: "ss", æ: "ae", œ: "oe", ı: "i" };

/** How text is compared when searching a list: as people read it (case, width, accents). */
export function searchable(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[łøđßæœı]/g, (letter) => PLAIN[letter] ?? letter)
    .replace(/\s+/g, " ")
    .trim();
}

/** Whether every word of `query` appears in one of `fields`. */
export function matches(query: string, ...fields: (string | null | undefined)[]): boolean {
  const words = searchable(query).split(" ").filter(Boolean);
  if (words.length === 0) return true;
  const haystack = fields
    .filter(Boolean)
    .map((field) => searchable(field ?? ""))
    .join(" ");
  return words.every((word) => haystack.includes(word));
}

export interface Choice {
  value: string;
  label: string;
}

/**
 * A search box and, optionally, one filter over a list already in the page: the names
 * are encrypted on the server, so they are searched here, and nothing typed leaves the
 * browser. Says how many of how many are shown (politely announced).
 */
export function ListFilter({
  query,
  onQuery,
  filter,
  shown,
  total,
}: {
  query: string;
  onQuery: (value: string) => void;
  filter?: { label: string; value: string; choices: Choice[]; onChange: (value: string) => void };
  shown: number;
  total: number;
}): ReactNode {
  const { t } = useTranslation();
  const searchId = useId();
  const filterId = useId();
  return (
    <div className="list-filter" role="search">
      <div className="field">
        <label htmlFor={searchId}>{t("lists.search")}</label>
        <input id={searchId} type="search" value={query} onChange={(event) => onQuery(event.target.value)} />
      </div>
      {filter ? (
        <div className="field">
          <label htmlFor={filterId}>{filter.label}</label>
          <select id={filterId} value={filter.value} onChange={(event) => filter.onChange(event.target.value)}>
            {filter.choices.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <p className="muted" aria-live="polite" data-testid="list-count">
        {t("lists.shown", { shown, total })}
      </p>
    </div>
  );
}

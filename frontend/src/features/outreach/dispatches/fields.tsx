import { useId, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

export const today = () => new Date().toISOString().slice(0, 10);

/** A labelled select whose options are a closed set of values. */
export function Select<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: ReactNode;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as T)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Overdue follow-ups are marked in words, not only by colour. */
export function FollowUpDue({ followUp }: { followUp: { due_on: string; overdue: boolean } }) {
  const { t } = useTranslation();
  return (
    <span className={followUp.overdue ? "badge badge--danger" : undefined}>
      {followUp.overdue
        ? t("outreachDispatches.overdueOn", { date: followUp.due_on })
        : t("outreachDispatches.dueOn", { date: followUp.due_on })}
    </span>
  );
}

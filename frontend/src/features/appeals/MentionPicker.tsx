import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { matches } from "../../shared/ListFilter";
import { Loading } from "../../shared/Loading";
import { useLoad } from "../../shared/useLoad";
import { listMentionable } from "./api";

// Above this many people a name filter helps more than it costs.
const FILTER_FROM = 8;

/** The people chosen (their ids) for the comment of `appealId`. */
interface Choice {
  appealId: string;
  selected: readonly string[];
  onChange: (ids: string[]) => void;
}

/**
 * Whom to tell about a comment: people who already see the appeal, chosen by name. The
 * server emails each a link (not the comment) in their own language. Closed until asked
 * for, so writing a comment costs no request for the list.
 */
export function MentionPicker({ appealId, selected, onChange }: Choice) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  return (
    <details className="mention-picker" onToggle={(event) => event.currentTarget.open && setOpened(true)}>
      <summary>
        {selected.length > 0
          ? t("appeals.mentions.summaryChosen", { number: selected.length })
          : t("appeals.mentions.summary")}
      </summary>
      {opened ? <People appealId={appealId} selected={selected} onChange={onChange} /> : null}
    </details>
  );
}

function People({ appealId, selected, onChange }: Choice) {
  const { t } = useTranslation();
  const people = useLoad(() => listMentionable(appealId), [appealId]);
  const [query, setQuery] = useState("");
  const filterId = useId();
  if (people.error) return <ErrorAlert error={people.error} />;
  if (!people.data) return <Loading />;
  const everyone = people.data.items;
  if (everyone.length === 0) return <p className="muted">{t("appeals.mentions.nobody")}</p>;
  const shown = everyone.filter((person) => selected.includes(person.id) || matches(query, person.name));
  const toggle = (id: string, on: boolean) =>
    onChange(on ? [...selected, id] : selected.filter((chosen) => chosen !== id));
  return (
    <fieldset className="mention-picker__people">
      <legend className="visually-hidden">{t("appeals.mentions.legend")}</legend>
      <p className="muted">{t("appeals.mentions.hint")}</p>
      {everyone.length >= FILTER_FROM ? (
        <div className="field">
          <label htmlFor={filterId}>{t("appeals.mentions.filter")}</label>
          <input id={filterId} type="search" value={query} onChange={(event) => setQuery(event.target.value)} />
        </div>
      ) : null}
      <ul className="mention-picker__list">
        {shown.map((person) => (
          <li key={person.id}>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={selected.includes(person.id)}
                onChange={(event) => toggle(person.id, event.target.checked)}
              />{" "}
              {person.name}
            </label>
          </li>
        ))}
      </ul>
      {shown.length === 0 ? <p className="muted">{t("appeals.mentions.noMatch")}</p> : null}
    </fieldset>
  );
}

import { useId, useMemo, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { COUNTRY_CODES, countryName } from "./countries";

/** A country <select> (ISO codes as values, names in the interface language, sorted); the
 * label says "Country" unless given, the hint is tied to it with aria-describedby. */
export function CountrySelect({
  value,
  onChange,
  label,
  hint,
}: {
  value: string;
  onChange: (code: string) => void;
  label?: ReactNode;
  hint?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const hintId = `${id}-hint`;
  const language = i18n.language;
  const options = useMemo(() => {
    const collator = new Intl.Collator(language);
    return COUNTRY_CODES.map((code) => ({ code, name: countryName(code, language) })).sort((a, b) =>
      collator.compare(a.name, b.name),
    );
  }, [language]);
  return (
    <div className="field">
      <label htmlFor={id}>{label ?? t("admin.organizations.country")}</label>
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      <select
        id={id}
        value={value}
        aria-describedby={hint ? hintId : undefined}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">{t("admin.organizations.noCountry")}</option>
        {options.map(({ code, name }) => (
          <option key={code} value={code}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}

import { useId, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { COUNTRY_CODES, countryName } from "./countries";

/** A country <select> (ISO codes as values, names in the interface language, sorted). */
export function CountrySelect({ value, onChange }: { value: string; onChange: (code: string) => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const language = i18n.language;
  const options = useMemo(() => {
    const collator = new Intl.Collator(language);
    return COUNTRY_CODES.map((code) => ({ code, name: countryName(code, language) })).sort((a, b) =>
      collator.compare(a.name, b.name),
    );
  }, [language]);
  return (
    <div className="field">
      <label htmlFor={id}>{t("admin.organizations.country")}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
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

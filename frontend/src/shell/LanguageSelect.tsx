import { useTranslation } from "react-i18next";
import { setLanguage } from "../i18n";
import { LANGUAGES, isSupportedLanguage } from "../i18n/languages";

export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <div className="language-select">
      <label htmlFor="language-select">{t("language.label")}</label>
      <select
        id="language-select"
        value={i18n.resolvedLanguage ?? i18n.language}
        onChange={(event) => {
          const code = event.target.value;
          if (isSupportedLanguage(code)) void setLanguage(code);
        }}
      >
        {LANGUAGES.map(({ code, name }) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}

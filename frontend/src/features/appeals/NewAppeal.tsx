import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { loadAll } from "../../shared/loadAll";
import { Loading } from "../../shared/Loading";
import { Notice } from "../../shared/Notice";
import { TextArea } from "../../shared/TextArea";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import { useLoad } from "../../shared/useLoad";
import { useSession } from "../auth/AuthContext";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { listOrganizations } from "../organizations/api";
import { AppealErrorAlert } from "./AppealError";
import { createAppeal, importText, type ImportResult } from "./api";
import { InlineText } from "./InlineText";
import { canonicalLanguageTag, languageName } from "./labels";

/** What an import made: the blocks by kind (asks numbered) and the lines it left out, explained. */
function ImportPreview({ result }: { result: ImportResult }) {
  const { t } = useTranslation();
  let ask = 0;
  return (
    <section className="import-preview" aria-labelledby="import-preview-heading" data-testid="import-preview">
      <h3 id="import-preview-heading">{t("appeals.import.previewTitle", { number: result.blocks.length })}</h3>
      {result.blocks.length === 0 ? <p className="muted">{t("appeals.import.noBlocks")}</p> : null}
      <ol className="import-preview__blocks">
        {result.blocks.map((block) => (
          <li key={block.id} className={`import-preview__block import-preview__block--${block.kind}`}>
            <span className="block-kind">
              {block.kind === "ask"
                ? t("appeals.import.askNumber", { number: ++ask })
                : t(`appeals.kinds.${block.kind}`)}
            </span>{" "}
            <span className="prewrap">
              <InlineText text={block.text} />
            </span>
          </li>
        ))}
      </ol>
      {result.skipped.length > 0 ? (
        <>
          <h4>{t("appeals.import.skippedTitle")}</h4>
          <p className="muted">{t("appeals.import.skippedExplain")}</p>
          <ul className="import-preview__skipped">
            {result.skipped.map((line, index) => (
              <li key={`${index}-${line.kind}`}>
                <span className="block-kind">{t(`appeals.import.skipped.${line.kind}`)}</span>{" "}
                <span className="prewrap">{line.text}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** Start an appeal: lead organization, title, language, and optionally a pasted letter. */
export function NewAppeal() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const orgId = useId();
  const coordinator = session.user.platform_roles.includes("coordinator");
  const mine = new Set(session.memberships.map((m) => m.organization_id));
  const organizations = useLoad(() => loadAll(listOrganizations));
  // A member drafts for their own organizations; a coordinator for any.
  const eligible = (organizations.data ?? []).filter((org) => coordinator || mine.has(org.id));

  const [lead, setLead] = useState("");
  const [title, setTitle] = useState("");
  const [language, setLanguage] = useState("en");
  const [source, setSource] = useState("");
  const [preview, setPreview] = useState<ImportResult | null>(null);
  const importing = useAction();
  const creating = useAction();

  const chosenLead = lead || eligible[0]?.id || "";
  const tag = canonicalLanguageTag(language);

  const runImport = () => {
    void importing.run(async () => {
      const result = await importText(source);
      setPreview(result);
      const titleBlock = result.blocks.find((b) => b.kind === "title");
      if (titleBlock && !title.trim()) setTitle(titleBlock.text);
      return result;
    }, t("appeals.import.done"));
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (!tag) return;
    void creating.run(async () => {
      const appeal = await createAppeal({
        lead_organization_id: chosenLead,
        title: title.trim(),
        language: tag,
        blocks: (preview?.blocks ?? []).map(({ id, kind, text }) => ({ id, kind, text })),
      });
      void navigate(`/appeals/${appeal.id}`, { state: { created: true } });
    });
  };

  return (
    <section className="card" aria-labelledby="new-appeal-heading">
      <h2 id="new-appeal-heading" className="card__title">
        {t("appeals.create.title")}
      </h2>
      <ErrorAlert error={organizations.error} />
      {!organizations.data && !organizations.error ? <Loading /> : null}
      {organizations.data && eligible.length === 0 ? (
        <p className="muted">{t("appeals.create.noOrganization")}</p>
      ) : null}
      {eligible.length > 0 ? (
        <form className="form" onSubmit={submit}>
          <div className="field">
            <label htmlFor={orgId}>{t("appeals.create.lead")}</label>
            <select id={orgId} value={chosenLead} onChange={(event) => setLead(event.target.value)}>
              {eligible.map((org) => (
                <option key={org.id} value={org.id}>
                  {org.name}
                </option>
              ))}
            </select>
          </div>
          <TextField
            label={t("appeals.create.titleField")}
            value={title}
            onChange={setTitle}
            required
            maxLength={300}
          />
          <TextField
            label={t("appeals.create.language")}
            hint={
              tag
                ? t("appeals.create.languageName", { name: languageName(tag, i18n.language) })
                : t("appeals.create.languageInvalid")
            }
            value={language}
            onChange={setLanguage}
            required
            maxLength={35}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={tag ? undefined : true}
          />
          <div className="import">
            <TextArea
              label={t("appeals.import.label")}
              hint={t("appeals.import.hint")}
              value={source}
              onChange={(value) => {
                setSource(value);
                setPreview(null);
              }}
              rows={6}
              maxLength={400000}
            />
            <button type="button" className="button" disabled={importing.busy || !source.trim()} onClick={runImport}>
              {importing.busy ? t("common.working") : t("appeals.import.button")}
            </button>
            <AppealErrorAlert error={importing.error} />
            <Notice>{importing.notice}</Notice>
            {preview ? <ImportPreview result={preview} /> : null}
          </div>
          <AppealErrorAlert error={creating.error} />
          <button
            type="submit"
            className="button button--primary"
            disabled={creating.busy || !title.trim() || !tag || !chosenLead}
          >
            {creating.busy ? t("common.working") : t("appeals.create.submit")}
          </button>
        </form>
      ) : null}
    </section>
  );
}

import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useParams, useSearchParams } from "react-router";
import { useConfirm, type ConfirmQuestion } from "../../shared/Confirm";
import { Loading } from "../../shared/Loading";
import { Notice } from "../../shared/Notice";
import { useAction } from "../../shared/useAction";
import { useLoad } from "../../shared/useLoad";
import { PageTitle } from "../../shell/PageTitle";
import { RequireStep } from "../auth/guards";
import { AppealErrorAlert } from "./AppealError";
import { changeState, getAppeal, type Appeal, type AppealAction } from "./api";
import { Editor } from "./Editor";
import { HistoryView } from "./HistoryView";
import { languageName, shortHash, StateBadge } from "./labels";
import { ActivityPanel } from "./review/ActivityPanel";
import { CoAuthorsPanel } from "./review/CoAuthorsPanel";
import { CommentsPanel } from "./review/CommentsPanel";
import { SuggestionsPanel } from "./review/SuggestionsPanel";
import { TranslationsPanel } from "./review/TranslationsPanel";
import { LettersSection } from "../outreach/letters/LettersSection";
import { panelId, tabId, Tabs } from "./Tabs";
import { TextView } from "./TextView";
import { OpenSigningForm } from "../signatories/OpenSigningForm";
import { SigningPanel } from "../signatories/SigningPanel";
import { OutreachPanel } from "../outreach/dispatches/OutreachPanel";
import { TrackerSection } from "../outreach/tracker/TrackerSection";

export const TAB_KEYS = [
  "text",
  "edit",
  "history",
  "comments",
  "suggestions",
  "coauthors",
  "translations",
  "signatures",
  "outreach",
  "activity",
] as const;
export type TabKey = (typeof TAB_KEYS)[number];

const isTab = (value: string | null): value is TabKey => (TAB_KEYS as readonly (string | null)[]).includes(value);

/** Actions that change what others can do (freeze, end, reopen): confirmed in the page first. */
const CONFIRMED = ["open", "withdraw", "reopen_review", "close", "archive"] as const;
type ConfirmedAction = (typeof CONFIRMED)[number];
const needsConfirm = (action: AppealAction): action is ConfirmedAction =>
  (CONFIRMED as readonly string[]).includes(action);
const DANGER: ReadonlySet<AppealAction> = new Set<AppealAction>(["withdraw", "close", "archive"]);

/** Title, state, lead, revision and hash; the lifecycle buttons the caller may press now.
 * Opening for the first time needs a signing window: that button leads to its form. */
function AppealHeader({
  appeal,
  onUpdated,
  onOpenSigning,
}: {
  appeal: Appeal;
  onUpdated: (appeal: Appeal) => void;
  onOpenSigning: () => void;
}) {
  const { t, i18n } = useTranslation();
  const confirm = useConfirm();
  const action = useAction();
  const location = useLocation();
  const created = (location.state as { created?: boolean } | null)?.created === true;

  const take = (name: AppealAction) => {
    if (name === "open" && !appeal.signing_window) {
      onOpenSigning();
      return;
    }
    void action.run(async () => {
      if (needsConfirm(name)) {
        const question: ConfirmQuestion = {
          title: t(`appeals.lifecycle.confirm.${name}.title`),
          body: t(`appeals.lifecycle.confirm.${name}.body`, {
            number: appeal.head_number,
            hash: shortHash(appeal.head_sha256),
          }),
          confirmLabel: t(`appeals.lifecycle.actions.${name}`),
          danger: DANGER.has(name),
        };
        await confirm(question);
      }
      const updated = await changeState(appeal.id, name);
      onUpdated(updated);
      action.setNotice(t("appeals.lifecycle.done", { state: t(`appeals.states.${updated.state}`) }));
    });
  };

  const copyHash = () => {
    void action.run(async () => {
      await navigator.clipboard.writeText(appeal.head_sha256 ?? "");
      action.setNotice(t("appeals.header.hashCopied"));
    });
  };

  return (
    <header className="appeal-header">
      <p>
        <Link to="/appeals">{t("appeals.backToList")}</Link>
      </p>
      <div className="appeal-header__title">
        <h1 id="page-heading" className="wrap-anywhere">
          {appeal.title}
        </h1>
        <StateBadge state={appeal.state} />
      </div>
      <dl className="facts appeal-header__facts">
        <dt>{t("appeals.header.lead")}</dt>
        <dd>{appeal.lead_organization_name}</dd>
        <dt>{t("appeals.header.language")}</dt>
        <dd>{languageName(appeal.language, i18n.language)}</dd>
        <dt>{t("appeals.header.revision")}</dt>
        <dd className="appeal-header__revision">
          <span data-testid="appeal-revision">
            {t("appeals.header.revisionNumber", { number: appeal.head_number })} ·{" "}
            <code title={appeal.head_sha256 ?? undefined} className="hash">
              {shortHash(appeal.head_sha256)}
            </code>
          </span>
          {appeal.head_sha256 ? (
            <button type="button" className="link-button" onClick={copyHash}>
              {t("appeals.header.copyHash")}
            </button>
          ) : null}
        </dd>
      </dl>
      {appeal.actions.length > 0 ? (
        <div className="actions appeal-header__actions" aria-label={t("appeals.lifecycle.label")} role="group">
          {appeal.actions.map((name) => (
            <button
              key={name}
              type="button"
              className={DANGER.has(name) ? "button button--danger" : "button button--primary"}
              disabled={action.busy}
              onClick={() => take(name)}
            >
              {t(`appeals.lifecycle.actions.${name}`)}
            </button>
          ))}
        </div>
      ) : null}
      <AppealErrorAlert error={action.error} />
      <Notice>{action.notice ?? (created ? t("appeals.create.done") : null)}</Notice>
    </header>
  );
}

function AppealView({ appealId }: { appealId: string }) {
  const { t } = useTranslation();
  const base = useId();
  const [params, setParams] = useSearchParams();
  const loaded = useLoad(() => getAppeal(appealId), [appealId]);
  const [visited, setVisited] = useState<ReadonlySet<TabKey>>(new Set());

  const appeal = loaded.data;
  const rights = new Set(appeal?.rights ?? []);
  const signable = appeal ? appeal.signing_window || appeal.state === "approved" : false;
  // Outreach: coordinators (who run appeals) and the writing organizations' representatives,
  // once the text is frozen; the server decides (app/outreach/access.py).
  const outreach = appeal
    ? appeal.frozen_sha256 !== null && (rights.has("run") || appeal.decide_for.length > 0)
    : false;
  const tabs = TAB_KEYS.filter(
    (key) =>
      (key !== "edit" || rights.has("edit")) && (key !== "signatures" || signable) && (key !== "outreach" || outreach),
  ).map((key) => ({
    key,
    label: key === "outreach" ? t("outreachDispatches.tab") : t(`appeals.tabs.${key}`),
  }));
  const asked = params.get("tab");
  const selected: TabKey = isTab(asked) && tabs.some((tab) => tab.key === asked) ? asked : "text";
  // A tab stays mounted once opened, so switching tabs never drops what was typed in it.
  const mounted = new Set([...visited, selected]);

  const select = (key: TabKey) => {
    setVisited((previous) => new Set([...previous, selected, key]));
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (key === "text") next.delete("tab");
        else next.set("tab", key);
        return next;
      },
      { replace: true },
    );
  };

  if (loaded.error && !appeal) {
    return (
      <section className="page" aria-labelledby="page-heading">
        <PageTitle page={t("appeals.title")} />
        <h1 id="page-heading">{t("appeals.title")}</h1>
        <AppealErrorAlert error={loaded.error} />
        <p>
          <Link to="/appeals">{t("appeals.backToList")}</Link>
        </p>
      </section>
    );
  }
  if (!appeal) return <Loading />;

  const panel = (key: TabKey) => {
    const props = { appeal, onChanged: loaded.reload };
    switch (key) {
      case "text":
        return <TextView {...props} />;
      case "edit":
        return <Editor {...props} />;
      case "history":
        return <HistoryView appeal={appeal} />;
      case "comments":
        return <CommentsPanel {...props} />;
      case "suggestions":
        return <SuggestionsPanel {...props} />;
      case "coauthors":
        return <CoAuthorsPanel {...props} />;
      case "translations":
        return <TranslationsPanel {...props} />;
      case "signatures":
        return appeal.signing_window ? (
          <SigningPanel appealId={appeal.id} onChanged={loaded.reload} />
        ) : rights.has("run") ? (
          <OpenSigningForm appealId={appeal.id} onOpened={loaded.reload} />
        ) : (
          <p>{t("signing.notOpened")}</p>
        );
      case "outreach":
        return (
          <>
            <OutreachPanel appealId={appeal.id} />
            <LettersSection appealId={appeal.id} canEdit={rights.has("run")} />
            <TrackerSection appealId={appeal.id} canPublish={rights.has("run")} />
          </>
        );
      case "activity":
        return <ActivityPanel {...props} />;
    }
  };

  return (
    <section className="page appeal" aria-labelledby="page-heading">
      <PageTitle page={appeal.title} />
      <AppealHeader appeal={appeal} onUpdated={loaded.setData} onOpenSigning={() => select("signatures")} />
      <Tabs base={base} label={t("appeals.tabs.label")} tabs={tabs} selected={selected} onSelect={select} />
      {tabs.map(({ key }) => (
        <div
          key={key}
          role="tabpanel"
          id={panelId(base, key)}
          aria-labelledby={tabId(base, key)}
          hidden={key !== selected}
          tabIndex={0}
          className="appeal-panel"
        >
          {mounted.has(key) ? panel(key) : null}
        </div>
      ))}
    </section>
  );
}

function AppealRoute() {
  const { appealId = "" } = useParams();
  // A new appeal is a new page: nothing of the previous one's tabs is kept.
  return <AppealView key={appealId} appealId={appealId} />;
}

export function AppealPage() {
  return (
    <RequireStep step="full">
      <AppealRoute />
    </RequireStep>
  );
}

import { useId } from "react";
import { useTranslation } from "react-i18next";
import { Loading } from "../../../shared/Loading";
import { useLoad } from "../../../shared/useLoad";
import { getActivity, type Activity, type Appeal, type AppealState } from "../api";
import { DateTime, languageName, ReviewError } from "./common";

const STATES: readonly AppealState[] = ["draft", "review", "approved", "open", "closed", "archived", "withdrawn"];
const SUGGESTION_KINDS = ["replace", "insert", "remove"] as const;

const isState = (value: unknown): value is AppealState =>
  typeof value === "string" && (STATES as readonly string[]).includes(value);
const isSuggestionKind = (value: unknown): value is (typeof SUGGESTION_KINDS)[number] =>
  typeof value === "string" && (SUGGESTION_KINDS as readonly string[]).includes(value);
const str = (value: unknown) => (typeof value === "string" ? value : "");
const num = (value: unknown) => (typeof value === "number" ? value : null);

/** One event in the user's words. Details come from an allow list on the server: ids,
 * numbers, hashes and decisions, never text. */
function useDescribe(appeal: Appeal) {
  const { t, i18n } = useTranslation();
  const state = (value: unknown) => (isState(value) ? t(`appealReview.states.${value}`) : "—");
  const editorName = (userId: unknown) => appeal.editors.find((e) => e.id === userId)?.name;

  return (event: Activity): string => {
    const d = event.details;
    const number = num(d.number) ?? "—";
    const organization = str(d.organization_name) || t("appealReview.activity.anOrganization");
    const language = d.language ? languageName(str(d.language), i18n.language) : "—";
    switch (event.action) {
      case "appeal.created":
        return d.language ? t("appealReview.activity.createdIn", { language }) : t("appealReview.activity.created");
      case "appeal.revised": {
        const parts = [t("appealReview.activity.revised", { number })];
        if (d.merged === true) parts.push(t("appealReview.activity.merged"));
        if (d.approvals_reset === true) parts.push(t("appealReview.activity.approvalsReset"));
        return parts.join(" ");
      }
      case "appeal.state_changed":
        return d.action === "approve_complete"
          ? t("appealReview.activity.approvalComplete", { from: state(d.from), to: state(d.to) })
          : t("appealReview.activity.stateChanged", { from: state(d.from), to: state(d.to) });
      case "appeal.approved":
        return t("appealReview.activity.approved", { number, organization });
      case "appeal.co_author_invited":
        return t("appealReview.activity.coAuthorInvited", { organization });
      case "appeal.co_author_decided":
        return d.decision === "accept" || d.decision === "decline" || d.decision === "leave"
          ? t(`appealReview.activity.coAuthorDecided.${d.decision}`, { organization })
          : t("appealReview.activity.coAuthorDecidedOther", { organization });
      case "appeal.editor_added": {
        const name = editorName(d.user_id);
        return name ? t("appealReview.activity.editorAddedNamed", { name }) : t("appealReview.activity.editorAdded");
      }
      case "appeal.editor_removed":
        return t("appealReview.activity.editorRemoved");
      case "appeal.commented":
        return num(d.number) !== null
          ? t("appealReview.activity.commentedOn", { number })
          : t("appealReview.activity.commented");
      case "appeal.comment_resolved":
        return d.resolved === false
          ? t("appealReview.activity.commentReopened")
          : t("appealReview.activity.commentResolved");
      case "appeal.suggested":
        return t("appealReview.activity.suggested", {
          kind: isSuggestionKind(d.kind) ? t(`appealReview.suggestions.kinds.${d.kind}`) : "—",
          number,
        });
      case "appeal.suggestion_decided":
        return d.decision === "accepted"
          ? t("appealReview.activity.suggestionAccepted", { number })
          : t("appealReview.activity.suggestionRejected");
      case "appeal.translation_created":
        return t("appealReview.activity.translationCreated", { language });
      case "appeal.translation_revised":
        return t("appealReview.activity.translationRevised", { language, number });
      case "appeal.translation_approved":
        return t("appealReview.activity.translationApproved", { language });
      default:
        return t("appealReview.activity.other");
    }
  };
}

/** Who did what and when on this appeal (from the audit log), newest first. */
export function ActivityPanel({ appeal }: { appeal: Appeal; onChanged: () => void }) {
  const { t } = useTranslation();
  const headingId = useId();
  // Read again whenever the header changes (a save, a decision, a state change).
  const activity = useLoad(
    () => getActivity(appeal.id),
    [appeal.id, appeal.head_sha256, appeal.state, appeal.updated_at],
  );
  const describe = useDescribe(appeal);
  const items = activity.data?.items ?? [];

  return (
    <section className="review-panel" aria-labelledby={headingId} data-testid="activity-panel">
      <div className="review-panel__bar">
        <h2 id={headingId} className="review-panel__title">
          {t("appealReview.activity.title")}
        </h2>
        <button type="button" className="button" onClick={activity.reload}>
          {t("appealReview.activity.refresh")}
        </button>
      </div>
      <ReviewError error={activity.error} />
      {!activity.data && !activity.error ? <Loading /> : null}
      {activity.data && items.length === 0 ? <p className="muted">{t("appealReview.activity.none")}</p> : null}
      {items.length > 0 ? (
        <ol className="review-activity">
          {items.map((event) => (
            <li key={event.id} className="review-activity__item" data-testid="activity-event">
              <p className="review-activity__what">{describe(event)}</p>
              <p className="muted review-meta">
                <span>{event.actor?.name ?? t("appealReview.activity.system")}</span>
                <DateTime value={event.at} />
              </p>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

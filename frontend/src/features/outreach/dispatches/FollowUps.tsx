import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { useConfirm } from "../../../shared/Confirm";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { Notice } from "../../../shared/Notice";
import { TextField } from "../../../shared/TextField";
import { useAction } from "../../../shared/useAction";
import { dropFollowUp, markFollowUpDone, planFollowUp, rescheduleFollowUp, type FollowUp } from "./api";
import { FollowUpDue, today } from "./fields";

/** One planned chase: done or not, moved to another day, or dropped (coordinators). */
function FollowUpItem({
  followUp,
  canTrack,
  onChanged,
}: {
  followUp: FollowUp;
  canTrack: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const action = useAction();
  const confirm = useConfirm();
  const [moving, setMoving] = useState(false);
  const [dueOn, setDueOn] = useState(followUp.due_on);

  const move = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      await rescheduleFollowUp(followUp, dueOn);
      setMoving(false);
      onChanged();
    }, t("outreachDispatches.followUpSaved"));
  };

  return (
    <li data-testid="follow-up">
      {followUp.done_at ? t("outreachDispatches.done") : <FollowUpDue followUp={followUp} />}
      {followUp.assignee ? ` — ${followUp.assignee.name}` : null}
      {followUp.note ? <span className="muted"> · {followUp.note}</span> : null} <Notice>{action.notice}</Notice>
      <ErrorAlert error={action.error} />
      {canTrack ? (
        <span className="actions">
          <button
            type="button"
            className="link-button"
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                await markFollowUpDone(followUp, !followUp.done_at);
                onChanged();
              }, t("outreachDispatches.followUpSaved"))
            }
          >
            {followUp.done_at ? t("outreachDispatches.markOpen") : t("outreachDispatches.markDone")}
          </button>
          {followUp.done_at ? null : (
            <button type="button" className="link-button" aria-expanded={moving} onClick={() => setMoving(!moving)}>
              {t("outreachDispatches.moveFollowUp")}
            </button>
          )}
          <button
            type="button"
            className="link-button"
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                await confirm({
                  title: t("outreachDispatches.dropQuestion", { date: followUp.due_on }),
                  confirmLabel: t("outreachDispatches.dropFollowUp"),
                  danger: true,
                });
                await dropFollowUp(followUp);
                onChanged();
              }, t("outreachDispatches.followUpDropped"))
            }
          >
            {t("outreachDispatches.dropFollowUp")}
          </button>
        </span>
      ) : null}
      {moving ? (
        <form className="form" onSubmit={move}>
          <TextField label={t("outreachDispatches.newDueOn")} type="date" value={dueOn} onChange={setDueOn} required />
          <button type="submit" className="button" disabled={action.busy}>
            {t("outreachDispatches.saveDueOn")}
          </button>
        </form>
      ) : null}
    </li>
  );
}

/** A dispatch's follow-ups and, for coordinators, a form to plan another (assigned to them). */
export function FollowUps({
  dispatchId,
  followUps,
  canTrack,
  onChanged,
}: {
  dispatchId: string;
  followUps: readonly FollowUp[];
  canTrack: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const action = useAction();
  const [dueOn, setDueOn] = useState(today());
  const [note, setNote] = useState("");
  if (followUps.length === 0 && !canTrack) return null;

  const plan = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      await planFollowUp(dispatchId, dueOn, note.trim() || null);
      setNote("");
      onChanged();
    }, t("outreachDispatches.followUpPlanned"));
  };

  return (
    <>
      <h4>{t("outreachDispatches.followUps")}</h4>
      {followUps.length === 0 ? <p className="muted">{t("outreachDispatches.noFollowUpsHere")}</p> : null}
      <ul>
        {followUps.map((followUp) => (
          <FollowUpItem key={followUp.id} followUp={followUp} canTrack={canTrack} onChanged={onChanged} />
        ))}
      </ul>
      {canTrack ? (
        <form className="form" onSubmit={plan} data-testid="plan-follow-up">
          <TextField label={t("outreachDispatches.planDueOn")} type="date" value={dueOn} onChange={setDueOn} required />
          <TextField label={t("outreachDispatches.followUpNote")} value={note} onChange={setNote} maxLength={5000} />
          <Notice>{action.notice}</Notice>
          <ErrorAlert error={action.error} />
          <button type="submit" className="button" disabled={action.busy}>
            {t("outreachDispatches.planFollowUp")}
          </button>
        </form>
      ) : null}
    </>
  );
}

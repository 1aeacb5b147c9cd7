import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { useConfirm } from "../../../shared/Confirm";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { Notice } from "../../../shared/Notice";
import { TextField } from "../../../shared/TextField";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import {
  dropFollowUp,
  listFollowUpAssignees,
  markFollowUpDone,
  planFollowUp,
  reassignFollowUp,
  rescheduleFollowUp,
  type FollowUp,
} from "./api";
import { FollowUpDue, Select, today } from "./fields";

type Person = { id: string; name: string };

/** One planned chase: done or not, moved to another day, or dropped (coordinators). */
function FollowUpItem({
  followUp,
  assignees,
  canTrack,
  onChanged,
}: {
  followUp: FollowUp;
  assignees: readonly Person[];
  canTrack: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const action = useAction();
  const confirm = useConfirm();
  const [moving, setMoving] = useState(false);
  const [dueOn, setDueOn] = useState(followUp.due_on);
  const [assignee, setAssignee] = useState(followUp.assignee?.id ?? "");

  const move = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      let current = followUp;
      if (dueOn !== current.due_on) current = await rescheduleFollowUp(current, dueOn);
      if (assignee && assignee !== current.assignee?.id) await reassignFollowUp(current, assignee);
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
              {t("outreachDispatches.changeFollowUp")}
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
          {assignees.length > 1 ? (
            <Select
              label={t("outreachDispatches.assignee")}
              value={assignee}
              options={assignees.map((p) => ({ value: p.id, label: p.name }))}
              onChange={setAssignee}
            />
          ) : null}
          <button type="submit" className="button" disabled={action.busy}>
            {t("outreachDispatches.saveDueOn")}
          </button>
        </form>
      ) : null}
    </li>
  );
}

/** A dispatch's follow-ups and, for coordinators, a form to plan another (for themselves
 * or another coordinator). */
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
  const [assignee, setAssignee] = useState("");
  const loaded = useLoad(() => (canTrack ? listFollowUpAssignees() : Promise.resolve({ items: [] })), [canTrack]);
  const assignees = loaded.data?.items ?? [];
  if (followUps.length === 0 && !canTrack) return null;

  const plan = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      await planFollowUp(dispatchId, dueOn, note.trim() || null, assignee || null);
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
          <FollowUpItem
            key={followUp.id}
            followUp={followUp}
            assignees={assignees}
            canTrack={canTrack}
            onChanged={onChanged}
          />
        ))}
      </ul>
      {canTrack ? (
        <form className="form" onSubmit={plan} data-testid="plan-follow-up">
          <TextField label={t("outreachDispatches.planDueOn")} type="date" value={dueOn} onChange={setDueOn} required />
          {assignees.length > 1 ? (
            <Select
              label={t("outreachDispatches.assignee")}
              value={assignee}
              options={[
                { value: "", label: t("outreachDispatches.assignToMe") },
                ...assignees.map((p) => ({ value: p.id, label: p.name })),
              ]}
              onChange={setAssignee}
            />
          ) : null}
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

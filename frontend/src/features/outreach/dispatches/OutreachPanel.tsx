import { useId, useState, type ReactNode, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { Loading } from "../../../shared/Loading";
import { Notice } from "../../../shared/Notice";
import { TextArea } from "../../../shared/TextArea";
import { TextField } from "../../../shared/TextField";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import { listRecipients } from "../recipients/api";
import {
  CHANNELS,
  closeDispatch,
  getDispatch,
  getOutreach,
  listMyFollowUps,
  markFollowUpDone,
  newIdempotencyKey,
  recordDispatch,
  recordResponse,
  RESPONSE_KINDS,
  STANCES,
  type Channel,
  type DispatchDetail,
  type FollowUp,
  type ResponseKind,
  type Stance,
} from "./api";

const today = () => new Date().toISOString().slice(0, 10);

function Select<T extends string>({
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
function FollowUpDue({ followUp }: { followUp: { due_on: string; overdue: boolean } }) {
  const { t } = useTranslation();
  return (
    <span className={followUp.overdue ? "badge badge--danger" : undefined}>
      {followUp.overdue
        ? t("outreachDispatches.overdueOn", { date: followUp.due_on })
        : t("outreachDispatches.dueOn", { date: followUp.due_on })}
    </span>
  );
}

/** Record that the appeal was sent to a recipient of the registry (coordinators). */
function DispatchForm({ appealId, onDone }: { appealId: string; onDone: () => void }) {
  const registry = useLoad(() => listRecipients({ state: "active" }), []);
  if (!registry.data) return registry.error ? <ErrorAlert error={registry.error} /> : <Loading />;
  return <DispatchFields appealId={appealId} recipients={registry.data.items} onDone={onDone} />;
}

function DispatchFields({
  appealId,
  recipients,
  onDone,
}: {
  appealId: string;
  recipients: readonly { id: string; name: string; country?: string | null }[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const action = useAction();
  const [recipientId, setRecipientId] = useState(recipients[0]?.id ?? "");
  const [channel, setChannel] = useState<Channel>("email");
  const [sentOn, setSentOn] = useState(today());
  const [reference, setReference] = useState("");
  const [note, setNote] = useState("");
  // One key per filled-in form: pressing again after a network failure is a retry.
  const [key, setKey] = useState(newIdempotencyKey);

  if (recipients.length === 0)
    return (
      <p className="muted">
        {t("outreachDispatches.noRecipients")} <Link to="/recipients">{t("outreachRecipients.nav")}</Link>
      </p>
    );

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      await recordDispatch(
        appealId,
        {
          recipient_id: recipientId,
          channel,
          sent_on: sentOn,
          reference: reference.trim() || null,
          note: note.trim() || null,
          send: false,
        },
        key,
      );
      setKey(newIdempotencyKey());
      setReference("");
      setNote("");
      onDone();
    }, t("outreachDispatches.dispatchRecorded"));
  };

  return (
    <form onSubmit={onSubmit} className="form" aria-labelledby={`${appealId}-dispatch-form`}>
      <h3 id={`${appealId}-dispatch-form`}>{t("outreachDispatches.recordDispatch")}</h3>
      <Notice>{action.notice}</Notice>
      <ErrorAlert error={action.error} />
      <Select
        label={t("outreachDispatches.recipient")}
        value={recipientId}
        options={recipients.map((r) => ({ value: r.id, label: r.country ? `${r.name} (${r.country})` : r.name }))}
        onChange={setRecipientId}
      />
      <Select
        label={t("outreachDispatches.channel")}
        value={channel}
        options={CHANNELS.map((c) => ({ value: c, label: t(`outreachDispatches.channels.${c}`) }))}
        onChange={setChannel}
      />
      <TextField label={t("outreachDispatches.sentOn")} type="date" value={sentOn} onChange={setSentOn} required />
      <TextField label={t("outreachDispatches.reference")} value={reference} onChange={setReference} maxLength={200} />
      <TextArea label={t("outreachDispatches.note")} value={note} onChange={setNote} maxLength={5000} />
      <button type="submit" disabled={action.busy}>
        {t("outreachDispatches.recordDispatch")}
      </button>
    </form>
  );
}

/** What came back, with a stance on each ask of the text sent (shown with the ask's text). */
function ResponseForm({ dispatch, onDone }: { dispatch: DispatchDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const action = useAction();
  const [receivedOn, setReceivedOn] = useState(today());
  const [channel, setChannel] = useState<Channel>("email");
  const [kind, setKind] = useState<ResponseKind>("substantive_reply");
  const [summary, setSummary] = useState("");
  const [referredTo, setReferredTo] = useState("");
  const [stances, setStances] = useState<Record<string, Stance>>({});

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      await recordResponse(dispatch.id, {
        received_on: receivedOn,
        channel,
        kind,
        summary: summary.trim() || null,
        referred_to: kind === "referral" ? referredTo.trim() || null : null,
        published: false,
        stances: Object.entries(stances)
          .filter(([, stance]) => stance !== "not_addressed")
          .map(([ask_id, stance]) => ({ ask_id, stance })),
      });
      setSummary("");
      setStances({});
      onDone();
    }, t("outreachDispatches.responseRecorded"));
  };

  return (
    <form onSubmit={onSubmit} className="form" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{t("outreachDispatches.recordResponse")}</h4>
      <Notice>{action.notice}</Notice>
      <ErrorAlert error={action.error} />
      <TextField
        label={t("outreachDispatches.receivedOn")}
        type="date"
        value={receivedOn}
        onChange={setReceivedOn}
        required
      />
      <Select
        label={t("outreachDispatches.channel")}
        value={channel}
        options={CHANNELS.map((c) => ({ value: c, label: t(`outreachDispatches.channels.${c}`) }))}
        onChange={setChannel}
      />
      <Select
        label={t("outreachDispatches.kind")}
        value={kind}
        options={RESPONSE_KINDS.map((k) => ({ value: k, label: t(`outreachDispatches.kinds.${k}`) }))}
        onChange={setKind}
      />
      {kind === "referral" ? (
        <TextField
          label={t("outreachDispatches.referredTo")}
          value={referredTo}
          onChange={setReferredTo}
          maxLength={200}
        />
      ) : null}
      <TextArea label={t("outreachDispatches.summary")} value={summary} onChange={setSummary} maxLength={5000} />
      <fieldset>
        <legend>{t("outreachDispatches.stances")}</legend>
        {dispatch.asks.map((ask) => (
          <Select
            key={ask.id}
            label={`${ask.number}. ${ask.text}`}
            value={stances[ask.id] ?? "not_addressed"}
            options={STANCES.map((s) => ({ value: s, label: t(`outreachDispatches.stanceNames.${s}`) }))}
            onChange={(stance) => setStances((previous) => ({ ...previous, [ask.id]: stance }))}
          />
        ))}
      </fieldset>
      <button type="submit" disabled={action.busy}>
        {t("outreachDispatches.recordResponse")}
      </button>
    </form>
  );
}

function FollowUpList({
  followUps,
  canTrack,
  onChanged,
}: {
  followUps: readonly FollowUp[];
  canTrack: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const action = useAction();
  if (followUps.length === 0) return null;
  return (
    <>
      <h4>{t("outreachDispatches.followUps")}</h4>
      <Notice>{action.notice}</Notice>
      <ErrorAlert error={action.error} />
      <ul>
        {followUps.map((followUp) => (
          <li key={followUp.id}>
            {followUp.done_at ? t("outreachDispatches.done") : <FollowUpDue followUp={followUp} />}
            {followUp.assignee ? ` — ${followUp.assignee.name}` : null}{" "}
            {canTrack ? (
              <button
                type="button"
                className="button--link"
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
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}

function DispatchView({
  dispatchId,
  canTrack,
  onChanged,
}: {
  dispatchId: string;
  canTrack: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const loaded = useLoad(() => getDispatch(dispatchId), [dispatchId]);
  const action = useAction();
  const dispatch = loaded.data;
  if (!dispatch) return loaded.error ? <ErrorAlert error={loaded.error} /> : <Loading />;
  const changed = () => {
    loaded.reload();
    onChanged();
  };
  return (
    <section className="review-section" aria-label={dispatch.recipient.name} data-testid="dispatch">
      <h3 className="review-section__title">{dispatch.recipient.name}</h3>
      <p>
        {t(`outreachDispatches.channels.${dispatch.channel}`)} · {dispatch.sent_on}
        {dispatch.reference ? ` · ${dispatch.reference}` : null}
      </p>
      {dispatch.note ? <p className="muted">{dispatch.note}</p> : null}
      <Notice>{action.notice}</Notice>
      <ErrorAlert error={action.error} />
      {canTrack ? (
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            void action.run(
              async () => {
                await closeDispatch(dispatch, !dispatch.closed_at);
                changed();
              },
              dispatch.closed_at ? t("outreachDispatches.reopened") : t("outreachDispatches.closed"),
            )
          }
        >
          {dispatch.closed_at ? t("outreachDispatches.reopen") : t("outreachDispatches.close")}
        </button>
      ) : null}
      <h4>{t("outreachDispatches.responses")}</h4>
      {dispatch.responses.length === 0 ? <p className="muted">{t("outreachDispatches.noResponses")}</p> : null}
      <ul>
        {dispatch.responses.map((response) => (
          <li key={response.id}>
            <strong>{t(`outreachDispatches.kinds.${response.kind}`)}</strong> · {response.received_on}
            {response.summary ? <p>{response.summary}</p> : null}
            <ul>
              {response.stances.map((stance) => {
                const ask = dispatch.asks.find((a) => a.id === stance.ask_id);
                return (
                  <li key={stance.ask_id}>
                    {ask ? `${ask.number}. ` : null}
                    {t(`outreachDispatches.stanceNames.${stance.stance}`)}
                    {stance.quote ? ` — “${stance.quote}”` : null}
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ul>
      <FollowUpList followUps={dispatch.follow_ups} canTrack={canTrack} onChanged={changed} />
      {canTrack ? <ResponseForm dispatch={dispatch} onDone={changed} /> : null}
    </section>
  );
}

/** The signed-in coordinator's open follow-ups across appeals, soonest first. */
export function MyFollowUps() {
  const { t } = useTranslation();
  const loaded = useLoad(listMyFollowUps, []);
  const items = loaded.data?.items;
  if (!items) return loaded.error ? null : <Loading />;
  return (
    <section aria-labelledby="my-follow-ups" data-testid="my-follow-ups">
      <h3 id="my-follow-ups">{t("outreachDispatches.myFollowUps")}</h3>
      {items.length === 0 ? <p className="muted">{t("outreachDispatches.noFollowUps")}</p> : null}
      <ul>
        {items.map((item) => (
          <li key={item.id}>
            {item.recipient.name} — {item.appeal_title}: <FollowUpDue followUp={item} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** An appeal's outreach: each recipient with its derived status, and (for coordinators) forms to record. */
export function OutreachPanel({ appealId }: { appealId: string }) {
  const { t } = useTranslation();
  const loaded = useLoad(() => getOutreach(appealId), [appealId]);
  const [open, setOpen] = useState<string | null>(null);
  const overview = loaded.data;
  if (!overview) return loaded.error ? <ErrorAlert error={loaded.error} /> : <Loading />;
  return (
    <div className="outreach" data-testid="outreach">
      <h2>{t("outreachDispatches.title")}</h2>
      {overview.recipients.length === 0 ? (
        <p className="muted">{t("outreachDispatches.nothingSent")}</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption>{t("outreachDispatches.tableCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("outreachDispatches.recipient")}</th>
                <th scope="col">{t("outreachDispatches.status")}</th>
                <th scope="col">{t("outreachDispatches.lastDispatch")}</th>
                <th scope="col">{t("outreachDispatches.nextFollowUp")}</th>
              </tr>
            </thead>
            <tbody>
              {overview.recipients.map((row) => (
                <tr key={row.recipient.id}>
                  <th scope="row">
                    <button
                      type="button"
                      className="button--link"
                      aria-expanded={open === row.last_dispatch.id}
                      onClick={() => setOpen(open === row.last_dispatch.id ? null : row.last_dispatch.id)}
                    >
                      {row.recipient.name}
                    </button>
                  </th>
                  <td>{t(`outreachDispatches.statuses.${row.status}`)}</td>
                  <td>
                    {t(`outreachDispatches.channels.${row.last_dispatch.channel}`)} · {row.last_dispatch.sent_on}
                  </td>
                  <td>{row.next_follow_up ? <FollowUpDue followUp={row.next_follow_up} /> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open ? <DispatchView dispatchId={open} canTrack={overview.can_track} onChanged={loaded.reload} /> : null}
      {overview.can_track ? (
        <>
          <DispatchForm appealId={appealId} onDone={loaded.reload} />
          <MyFollowUps />
        </>
      ) : null}
    </div>
  );
}

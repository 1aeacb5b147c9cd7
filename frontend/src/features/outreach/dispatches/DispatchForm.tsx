import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { Loading } from "../../../shared/Loading";
import { Notice } from "../../../shared/Notice";
import { TextArea } from "../../../shared/TextArea";
import { TextField } from "../../../shared/TextField";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import { listGroups, listRecipients, type Group } from "../recipients/api";
import { CHANNELS, newIdempotencyKey, recordDispatch, recordDispatchBatch, type Channel } from "./api";
import { Select, today } from "./fields";

type RecipientOption = { id: string; name: string; country?: string | null };

/** Record that the appeal was sent — to one recipient of the registry or to a saved group at
 * once (coordinators) — or have Accord email the letter itself. */
export function DispatchForm({ appealId, onDone }: { appealId: string; onDone: () => void }) {
  const registry = useLoad(() => Promise.all([listRecipients({ state: "active" }), listGroups()]), []);
  if (!registry.data) return registry.error ? <ErrorAlert error={registry.error} /> : <Loading />;
  const [recipients, groups] = registry.data;
  return <DispatchFields appealId={appealId} recipients={recipients.items} groups={groups.items} onDone={onDone} />;
}

function DispatchFields({
  appealId,
  recipients,
  groups,
  onDone,
}: {
  appealId: string;
  recipients: readonly RecipientOption[];
  groups: readonly Group[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const action = useAction();
  const [target, setTarget] = useState<"recipient" | "group">("recipient");
  const [recipientId, setRecipientId] = useState(recipients[0]?.id ?? "");
  const [groupId, setGroupId] = useState(groups[0]?.id ?? "");
  const [channel, setChannel] = useState<Channel>("email");
  const [send, setSend] = useState(false);
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

  const sending = channel === "email" && send;
  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fields = {
      channel,
      sent_on: sending ? today() : sentOn,
      reference: reference.trim() || null,
      note: note.trim() || null,
      send: sending,
    };
    void action.run(async () => {
      let message: string;
      if (target === "group") {
        const batch = await recordDispatchBatch(appealId, { ...fields, group_id: groupId, recipient_ids: [] }, key);
        message = t("outreachDispatches.batchRecorded", { count: batch.items.length });
        if (batch.already_dispatched.length > 0)
          message += ` ${t("outreachDispatches.alreadyDispatched", { count: batch.already_dispatched.length })}`;
      } else {
        await recordDispatch(appealId, { ...fields, recipient_id: recipientId }, key);
        message = sending ? t("outreachDispatches.dispatchQueued") : t("outreachDispatches.dispatchRecorded");
      }
      setKey(newIdempotencyKey());
      setReference("");
      setNote("");
      onDone();
      action.setNotice(message);
    });
  };

  return (
    <form onSubmit={onSubmit} className="form" aria-labelledby={`${id}-title`} data-testid="dispatch-form">
      <h3 id={`${id}-title`}>{t("outreachDispatches.recordDispatch")}</h3>
      <Notice>{action.notice}</Notice>
      <ErrorAlert error={action.error} />
      {groups.length > 0 ? (
        <fieldset className="choice">
          <legend>{t("outreachDispatches.sendTo")}</legend>
          <label className="choice__option">
            <input
              type="radio"
              name={`${id}-target`}
              checked={target === "recipient"}
              onChange={() => setTarget("recipient")}
            />{" "}
            {t("outreachDispatches.oneRecipient")}
          </label>
          <label className="choice__option">
            <input
              type="radio"
              name={`${id}-target`}
              checked={target === "group"}
              onChange={() => setTarget("group")}
            />{" "}
            {t("outreachDispatches.aGroup")}
          </label>
        </fieldset>
      ) : null}
      {target === "group" ? (
        <Select
          label={t("outreachDispatches.group")}
          value={groupId}
          options={groups.map((g) => ({ value: g.id, label: g.name }))}
          onChange={setGroupId}
        />
      ) : (
        <Select
          label={t("outreachDispatches.recipient")}
          value={recipientId}
          options={recipients.map((r) => ({ value: r.id, label: r.country ? `${r.name} (${r.country})` : r.name }))}
          onChange={setRecipientId}
        />
      )}
      <Select
        label={t("outreachDispatches.channel")}
        value={channel}
        options={CHANNELS.map((c) => ({ value: c, label: t(`outreachDispatches.channels.${c}`) }))}
        onChange={setChannel}
      />
      {channel === "email" ? (
        <label className="choice__option">
          <input type="checkbox" checked={send} onChange={(event) => setSend(event.target.checked)} />{" "}
          {t("outreachDispatches.sendFromAccord")}
        </label>
      ) : null}
      {sending ? null : (
        <TextField label={t("outreachDispatches.sentOn")} type="date" value={sentOn} onChange={setSentOn} required />
      )}
      <TextField label={t("outreachDispatches.reference")} value={reference} onChange={setReference} maxLength={200} />
      <TextArea label={t("outreachDispatches.note")} value={note} onChange={setNote} maxLength={5000} />
      <button type="submit" className="button button--primary" disabled={action.busy}>
        {sending ? t("outreachDispatches.sendNow") : t("outreachDispatches.recordDispatch")}
      </button>
    </form>
  );
}

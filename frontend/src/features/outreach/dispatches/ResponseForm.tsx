import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { Notice } from "../../../shared/Notice";
import { TextArea } from "../../../shared/TextArea";
import { TextField } from "../../../shared/TextField";
import { useAction } from "../../../shared/useAction";
import {
  CHANNELS,
  recordResponse,
  RESPONSE_KINDS,
  STANCES,
  type Channel,
  type DispatchDetail,
  type ResponseKind,
  type Stance,
} from "./api";
import { Select, today } from "./fields";

/** What came back, with a stance on each ask of the text sent (shown with the ask's text),
 * an optional quote from the reply for each, and whether the public tracker shows it. */
export function ResponseForm({ dispatch, onDone }: { dispatch: DispatchDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const action = useAction();
  const [receivedOn, setReceivedOn] = useState(today());
  const [channel, setChannel] = useState<Channel>("email");
  const [kind, setKind] = useState<ResponseKind>("substantive_reply");
  const [summary, setSummary] = useState("");
  const [referredTo, setReferredTo] = useState("");
  const [stances, setStances] = useState<Record<string, Stance>>({});
  const [quotes, setQuotes] = useState<Record<string, string>>({});
  const [published, setPublished] = useState(false);

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      await recordResponse(dispatch.id, {
        received_on: receivedOn,
        channel,
        kind,
        summary: summary.trim() || null,
        referred_to: kind === "referral" ? referredTo.trim() || null : null,
        published,
        stances: Object.entries(stances)
          .filter(([, stance]) => stance !== "not_addressed")
          .map(([ask_id, stance]) => ({ ask_id, stance, quote: quotes[ask_id]?.trim() || null })),
      });
      setSummary("");
      setStances({});
      setQuotes({});
      setPublished(false);
      onDone();
    }, t("outreachDispatches.responseRecorded"));
  };

  return (
    <form onSubmit={onSubmit} className="form" aria-labelledby={`${id}-title`} data-testid="response-form">
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
        {dispatch.asks.map((ask) => {
          const stance = stances[ask.id] ?? "not_addressed";
          return (
            <div key={ask.id}>
              <Select
                label={`${ask.number}. ${ask.text}`}
                value={stance}
                options={STANCES.map((s) => ({ value: s, label: t(`outreachDispatches.stanceNames.${s}`) }))}
                onChange={(next) => setStances((previous) => ({ ...previous, [ask.id]: next }))}
              />
              {stance === "not_addressed" ? null : (
                <TextField
                  label={t("outreachDispatches.quoteFor", { number: ask.number })}
                  value={quotes[ask.id] ?? ""}
                  onChange={(quote) => setQuotes((previous) => ({ ...previous, [ask.id]: quote }))}
                  maxLength={5000}
                />
              )}
            </div>
          );
        })}
      </fieldset>
      <label className="choice__option">
        <input type="checkbox" checked={published} onChange={(event) => setPublished(event.target.checked)} />{" "}
        {t("outreachDispatches.publishOnTracker")}
      </label>
      <button type="submit" className="button button--primary" disabled={action.busy}>
        {t("outreachDispatches.recordResponse")}
      </button>
    </form>
  );
}

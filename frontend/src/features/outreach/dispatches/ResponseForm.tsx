import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { Notice } from "../../../shared/Notice";
import { TextArea } from "../../../shared/TextArea";
import { TextField } from "../../../shared/TextField";
import { useAction } from "../../../shared/useAction";
import {
  CHANNELS,
  editResponse,
  recordResponse,
  RESPONSE_KINDS,
  STANCES,
  type Channel,
  type DispatchDetail,
  type ResponseKind,
  type ResponseRead,
  type Stance,
} from "./api";
import { Select, today } from "./fields";

/** What came back, with a stance on each ask of the text sent (shown with the ask's text),
 * an optional quote from the reply for each, and whether the public tracker shows it. Given
 * a recorded ``response``, the same form corrects it (If-Match; publishing has its own
 * button). */
export function ResponseForm({
  dispatch,
  response,
  onDone,
}: {
  dispatch: DispatchDetail;
  response?: ResponseRead;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const action = useAction();
  const [receivedOn, setReceivedOn] = useState(response?.received_on ?? today());
  const [channel, setChannel] = useState<Channel>(response?.channel ?? "email");
  const [kind, setKind] = useState<ResponseKind>(response?.kind ?? "substantive_reply");
  const [summary, setSummary] = useState(response?.summary ?? "");
  const [referredTo, setReferredTo] = useState(response?.referred_to ?? "");
  const [stances, setStances] = useState<Record<string, Stance>>(
    Object.fromEntries((response?.stances ?? []).map((s) => [s.ask_id, s.stance])),
  );
  const [quotes, setQuotes] = useState<Record<string, string>>(
    Object.fromEntries((response?.stances ?? []).map((s) => [s.ask_id, s.quote ?? ""])),
  );
  const [published, setPublished] = useState(false);

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fields = {
      received_on: receivedOn,
      channel,
      kind,
      summary: summary.trim() || null,
      referred_to: kind === "referral" ? referredTo.trim() || null : null,
      stances: Object.entries(stances)
        .filter(([, stance]) => stance !== "not_addressed")
        .map(([ask_id, stance]) => ({ ask_id, stance, quote: quotes[ask_id]?.trim() || null })),
    };
    void action.run(
      async () => {
        if (response) {
          await editResponse(response, fields);
        } else {
          await recordResponse(dispatch.id, { ...fields, published });
          setSummary("");
          setStances({});
          setQuotes({});
          setPublished(false);
        }
        onDone();
      },
      response ? t("outreachDispatches.responseSaved") : t("outreachDispatches.responseRecorded"),
    );
  };

  const title = response ? t("outreachDispatches.editResponse") : t("outreachDispatches.recordResponse");
  return (
    <form onSubmit={onSubmit} className="form" aria-labelledby={`${id}-title`} data-testid="response-form">
      <h4 id={`${id}-title`}>{title}</h4>
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
      {response ? null : (
        <label className="choice__option">
          <input type="checkbox" checked={published} onChange={(event) => setPublished(event.target.checked)} />{" "}
          {t("outreachDispatches.publishOnTracker")}
        </label>
      )}
      <button type="submit" className="button button--primary" disabled={action.busy}>
        {response ? t("outreachDispatches.saveResponse") : t("outreachDispatches.recordResponse")}
      </button>
    </form>
  );
}

import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useConfirm } from "../../../shared/Confirm";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { Loading } from "../../../shared/Loading";
import { Notice } from "../../../shared/Notice";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import { DocumentList } from "../documents/DocumentList";
import { DocumentUpload } from "../documents/DocumentUpload";
import type { DocumentParent } from "../documents/api";
import { closeDispatch, getDispatch, publishResponse, type DispatchDetail, type ResponseRead } from "./api";
import { FollowUps } from "./FollowUps";
import { ResponseForm } from "./ResponseForm";

/** The documents of a dispatch (its proof) or of a response (the letter that came back):
 * everyone who may read the outreach downloads them; coordinators add and delete. */
function Documents({ parent, canTrack, title }: { parent: DocumentParent; canTrack: boolean; title: string }) {
  const [version, setVersion] = useState(0);
  return (
    <div className="outreach__documents" data-testid={`${parent.kind}-documents`}>
      <h4>{title}</h4>
      <DocumentList parent={parent} canDelete={canTrack} version={version} />
      {canTrack ? <DocumentUpload parent={parent} onUploaded={() => setVersion((v) => v + 1)} /> : null}
    </div>
  );
}

/** One response: kind, date, summary, stance per ask, whether the public tracker shows it
 * (coordinators switch it, after a confirmation when publishing), and its documents. */
function ResponseItem({
  response,
  dispatch,
  canTrack,
  onChanged,
}: {
  response: ResponseRead;
  dispatch: DispatchDetail;
  canTrack: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const action = useAction();
  const confirm = useConfirm();
  const [editing, setEditing] = useState(false);
  const toggle = () =>
    void action.run(
      async () => {
        if (!response.published)
          await confirm({
            title: t("outreachDispatches.publishQuestion"),
            body: t("outreachDispatches.publishBody"),
            confirmLabel: t("outreachDispatches.publish"),
          });
        await publishResponse(response, !response.published);
        onChanged();
      },
      response.published ? t("outreachDispatches.unpublished") : t("outreachDispatches.published"),
    );
  return (
    <li data-testid="response">
      <strong>{t(`outreachDispatches.kinds.${response.kind}`)}</strong> · {response.received_on}
      {response.published ? (
        <>
          {" "}
          · <span className="badge">{t("outreachDispatches.onTracker")}</span>
        </>
      ) : null}
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
      <Notice>{action.notice}</Notice>
      <ErrorAlert error={action.error} />
      {canTrack ? (
        <span className="actions">
          <button type="button" className="link-button" disabled={action.busy} onClick={toggle}>
            {response.published ? t("outreachDispatches.unpublish") : t("outreachDispatches.publish")}
          </button>
          <button type="button" className="link-button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {t("outreachDispatches.editResponse")}
          </button>
        </span>
      ) : null}
      {editing ? (
        <ResponseForm
          dispatch={dispatch}
          response={response}
          onDone={() => {
            setEditing(false);
            onChanged();
          }}
        />
      ) : null}
      <Documents
        parent={{ kind: "response", id: response.id }}
        canTrack={canTrack}
        title={t("outreachDispatches.responseDocuments")}
      />
    </li>
  );
}

export function DispatchView({
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
        {dispatch.reference ? ` · ${dispatch.reference}` : null} ·{" "}
        <span data-testid="delivery">{t(`outreachDispatches.delivery.${dispatch.delivery}`)}</span>
      </p>
      {dispatch.note ? <p className="muted">{dispatch.note}</p> : null}
      <Notice>{action.notice}</Notice>
      <ErrorAlert error={action.error} />
      {canTrack ? (
        <button
          type="button"
          className="button"
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
      <Documents
        parent={{ kind: "dispatch", id: dispatch.id }}
        canTrack={canTrack}
        title={t("outreachDispatches.proof")}
      />
      <h4>{t("outreachDispatches.responses")}</h4>
      {dispatch.responses.length === 0 ? <p className="muted">{t("outreachDispatches.noResponses")}</p> : null}
      <ul>
        {dispatch.responses.map((response) => (
          <ResponseItem
            key={response.id}
            response={response}
            dispatch={dispatch}
            canTrack={canTrack}
            onChanged={changed}
          />
        ))}
      </ul>
      <FollowUps dispatchId={dispatch.id} followUps={dispatch.follow_ups} canTrack={canTrack} onChanged={changed} />
      {canTrack ? <ResponseForm dispatch={dispatch} onDone={changed} /> : null}
    </section>
  );
}

import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { Loading } from "../../../shared/Loading";
import { useLoad } from "../../../shared/useLoad";
import { getOutreach, listMyFollowUps } from "./api";
import { DispatchForm } from "./DispatchForm";
import { DispatchView } from "./DispatchView";
import { FollowUpDue } from "./fields";

/** The signed-in coordinator's open follow-ups across appeals, soonest first; `version`
 * changes when a dispatch or a response was recorded here, to load them again. */
export function MyFollowUps({ version = 0 }: { version?: number }) {
  const { t } = useTranslation();
  const loaded = useLoad(listMyFollowUps, [version]);
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
  const [version, setVersion] = useState(0);
  const overview = loaded.data;
  const changed = () => {
    loaded.reload();
    setVersion((v) => v + 1);
  };
  if (!overview) return loaded.error ? <ErrorAlert error={loaded.error} /> : <Loading />;
  return (
    <div className="outreach" data-testid="outreach">
      <h2>{t("outreachDispatches.title")}</h2>
      {overview.recipients.length === 0 ? (
        <p className="muted">{t("outreachDispatches.nothingSent")}</p>
      ) : (
        <div className="table-scroll">
          <table className="table table--words">
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
                      className="link-button"
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
      {open ? <DispatchView key={open} dispatchId={open} canTrack={overview.can_track} onChanged={changed} /> : null}
      {overview.can_track ? (
        <>
          <DispatchForm appealId={appealId} onDone={changed} />
          <MyFollowUps version={version} />
        </>
      ) : null}
    </div>
  );
}

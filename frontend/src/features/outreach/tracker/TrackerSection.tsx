import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useConfirm } from "../../../shared/Confirm";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { formatDateTime } from "../../../shared/formatDate";
import { Notice } from "../../../shared/Notice";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import { getTracker, setTracker } from "./api";

/** An appeal's public tracker, on its outreach tab: whether it is published, and for
 * coordinators the switch (confirmed in the page: publishing makes things public). */
export function TrackerSection({ appealId, canPublish }: { appealId: string; canPublish: boolean }) {
  const { t, i18n } = useTranslation();
  const loaded = useLoad(() => getTracker(appealId), [appealId]);
  const action = useAction();
  const confirm = useConfirm();
  const [message, setMessage] = useState<string | null>(null);
  const tracker = loaded.data;
  if (!tracker) return <ErrorAlert error={loaded.error} />;

  const change = (published: boolean) =>
    void action.run(async () => {
      setMessage(null);
      await confirm(
        published
          ? {
              title: t("outreachTracker.publish.confirmTitle"),
              body: t("outreachTracker.publish.confirmBody"),
              confirmLabel: t("outreachTracker.publish.publish"),
            }
          : {
              title: t("outreachTracker.publish.unpublishTitle"),
              confirmLabel: t("outreachTracker.publish.unpublish"),
              danger: true,
            },
      );
      loaded.setData(await setTracker(appealId, published));
      setMessage(published ? t("outreachTracker.publish.published") : t("outreachTracker.publish.unpublished"));
    });

  return (
    <section className="review-section" aria-labelledby="tracker-section-title" data-testid="tracker-section">
      <h2 id="tracker-section-title" className="review-section__title">
        {t("outreachTracker.publish.title")}
      </h2>
      <p>
        {tracker.published ? (
          <>
            {t("outreachTracker.publish.isPublished", {
              date: formatDateTime(tracker.published_at, i18n.language),
            })}{" "}
            <Link to={tracker.path}>{t("outreachTracker.publish.open")}</Link>
          </>
        ) : (
          t("outreachTracker.publish.notPublished")
        )}
      </p>
      <p className="muted">{t("outreachTracker.publish.what")}</p>
      <Notice>{message}</Notice>
      <ErrorAlert error={action.error} />
      {canPublish ? (
        <div className="actions">
          <button
            type="button"
            className={tracker.published ? "button" : "button button--primary"}
            disabled={action.busy}
            onClick={() => change(!tracker.published)}
          >
            {tracker.published ? t("outreachTracker.publish.unpublish") : t("outreachTracker.publish.publish")}
          </button>
        </div>
      ) : null}
    </section>
  );
}

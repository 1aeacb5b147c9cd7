import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { formatDateTime } from "../../shared/formatDate";
import { Loading } from "../../shared/Loading";
import { useLoad } from "../../shared/useLoad";
import { PageTitle } from "../../shell/PageTitle";
import { listMailbox, type MailboxMessage as Message } from "./api";
import { MessageBody } from "./MessageBody";

function MessageItem({ message }: { message: Message }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const bodyId = `message-${message.id}`;
  return (
    <li className="item item--stacked" data-testid="mailbox-message">
      <div className="item__main">
        <strong>{message.subject}</strong>
        <span className="muted">
          {t("mailbox.meta", { to: message.to, date: formatDateTime(message.created_at, i18n.language) })}
          {" · "}
          <span data-state={message.status}>{t(`mailbox.status.${message.status}`)}</span>
        </span>
      </div>
      <button
        type="button"
        className="button"
        aria-expanded={open}
        aria-controls={bodyId}
        onClick={() => setOpen(!open)}
      >
        {open ? t("mailbox.hide") : t("mailbox.show")}
      </button>
      {open ? <MessageBody id={bodyId} text={message.body} /> : null}
    </li>
  );
}

/** Development only: the mail the server would have sent, newest first. */
export function MailboxPage() {
  const { t } = useTranslation();
  const mailbox = useLoad(listMailbox);
  return (
    <section className="page" aria-labelledby="page-heading">
      <PageTitle page={t("mailbox.title")} />
      <h1 id="page-heading">{t("mailbox.title")}</h1>
      <p className="lead">{t("mailbox.intro")}</p>
      <button type="button" className="button" onClick={mailbox.reload}>
        {t("mailbox.refresh")}
      </button>
      <ErrorAlert error={mailbox.error} />
      {!mailbox.data && !mailbox.error ? <Loading /> : null}
      {mailbox.data && mailbox.data.items.length === 0 ? <p className="muted">{t("mailbox.empty")}</p> : null}
      {mailbox.data && mailbox.data.items.length > 0 ? (
        <div className="card">
          <ul className="items">
            {mailbox.data.items.map((message) => (
              <MessageItem key={message.id} message={message} />
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

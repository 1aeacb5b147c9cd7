import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useConfirm } from "../../../shared/Confirm";
import { Notice } from "../../../shared/Notice";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { formatDateTime } from "../../../shared/formatDate";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import { describeUserAgent } from "../../../shared/userAgent";
import { listSessions, revokeAllSessions, revokeSession, type SessionRead } from "../api";
import { useAuth } from "../AuthContext";
import { Section } from "./Section";

const METHODS = ["password", "passkey", "oidc", "invitation"] as const;
const methodKey = (method: string) =>
  (METHODS as readonly string[]).includes(method) ? (method as (typeof METHODS)[number]) : "other";

function SessionRow({ session, onRevoke }: { session: SessionRead; onRevoke: (s: SessionRead) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <li className="item" data-current={session.current}>
      <div className="item__main">
        <strong>
          <span title={session.user_agent ?? undefined}>
            {session.user_agent ? describeUserAgent(session.user_agent) : t("sessions.unknownBrowser")}
          </span>
          {session.current ? <span className="tag">{t("sessions.current")}</span> : null}
        </strong>
        <span className="muted">
          {t("sessions.details", {
            method: t(`sessions.methods.${methodKey(session.method)}`),
            created: formatDateTime(session.created_at, i18n.language),
            seen: formatDateTime(session.last_seen_at, i18n.language),
          })}
        </span>
      </div>
      <button type="button" className="button" onClick={() => onRevoke(session)}>
        {session.current ? t("common.signOut") : t("sessions.revoke")}
      </button>
    </li>
  );
}

export function SessionsSection() {
  const { t } = useTranslation();
  const { forget, signOut } = useAuth();
  const navigate = useNavigate();
  const list = useLoad(listSessions);
  const confirm = useConfirm();
  const { busy, error, notice, run } = useAction();

  const revoke = (session: SessionRead) =>
    void run(async () => {
      if (session.current) return signOut(() => void navigate("/sign-in", { replace: true }));
      await revokeSession(session.id);
      list.reload();
    }, t("sessions.revoked"));

  const revokeAll = () =>
    void run(async () => {
      await confirm({ title: t("sessions.everywhereConfirm"), confirmLabel: t("sessions.everywhere"), danger: true });
      await revokeAllSessions();
      forget(true); // this browser's session ended too
      void navigate("/sign-in", { replace: true });
    });

  return (
    <Section title={t("sessions.title")} testId="sessions-section">
      <p>{t("sessions.intro")}</p>
      <ErrorAlert error={list.error ?? error} />
      <Notice>{notice}</Notice>
      {list.data ? (
        <ul className="items">
          {list.data.items.map((session) => (
            <SessionRow key={session.id} session={session} onRevoke={revoke} />
          ))}
        </ul>
      ) : null}
      <button type="button" className="button button--danger" onClick={revokeAll} disabled={busy}>
        {t("sessions.everywhere")}
      </button>
    </Section>
  );
}

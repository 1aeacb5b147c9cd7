import { useTranslation } from "react-i18next";
import { useAuth } from "./AuthContext";

/**
 * Why the session this browser held has ended (role changed, signed out elsewhere,
 * suspended…), wherever the person finds themselves signed out: the sign-in page, or the
 * home page they were reading. The server says it once (the dead cookie goes with the
 * answer), so every page a signed-out person lands on must be able to say it.
 */
export function SessionEndedNotice() {
  const { t } = useTranslation();
  const { state } = useAuth();
  const ended = state.status === "anonymous" ? state.ended : null;
  if (!ended) return null;
  return (
    <p role="status" className="alert alert--warning" data-testid="session-ended">
      {t(`signIn.ended.${ended}`)}
    </p>
  );
}

import { useTranslation } from "react-i18next";
import { formatDateTime } from "../../shared/formatDate";
import { useLoad } from "../../shared/useLoad";
import { listOwnInvitations } from "./api";

/**
 * The home page's pending invitations to the person's own address. They are accepted from
 * the email's link (its token is the proof, and only the email holds it), so this says
 * where to look rather than offering a button.
 */
export function YourInvitations() {
  const { t, i18n } = useTranslation();
  const own = useLoad(listOwnInvitations);
  const items = own.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="card" aria-labelledby="your-invitations" data-testid="your-invitations">
      <h2 id="your-invitations" className="card__title">
        {t("home.invitations.title")}
      </h2>
      <ul className="items">
        {items.map((invitation) => (
          <li key={invitation.id} className="item">
            <span className="wrap-anywhere">
              {t("invitation.offer", {
                organization: invitation.organization_name,
                role: t(`roles.${invitation.role}`),
              })}
            </span>{" "}
            <span className="muted">
              {t("invitation.expires", { date: formatDateTime(invitation.expires_at, i18n.language) })}
            </span>
          </li>
        ))}
      </ul>
      <p className="muted">{t("home.invitations.howToAccept")}</p>
    </section>
  );
}

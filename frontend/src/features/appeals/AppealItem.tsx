import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatDateTime } from "../../shared/formatDate";
import type { AppealState, AppealSummary } from "./api";
import { StateBadge } from "./labels";

export const APPEAL_STATES: readonly AppealState[] = [
  "draft",
  "review",
  "approved",
  "open",
  "closed",
  "archived",
  "withdrawn",
];

export const isState = (value: string): value is AppealState => (APPEAL_STATES as readonly string[]).includes(value);

/** One appeal in a list: its title (a link), state, lead organization, revision, last change. */
export function AppealItem({ appeal }: { appeal: AppealSummary }) {
  const { t, i18n } = useTranslation();
  return (
    <li className="item appeal-item">
      <div className="item__main">
        <Link to={`/appeals/${appeal.id}`} className="appeal-item__title wrap-anywhere">
          {appeal.title}
        </Link>
        <span className="muted wrap-anywhere">
          {t("appeals.list.lead", { name: appeal.lead_organization_name })} ·{" "}
          {t("appeals.list.revision", { number: appeal.head_number })} ·{" "}
          {t("appeals.list.updated", { when: formatDateTime(appeal.updated_at ?? appeal.created_at, i18n.language) })}
        </span>
      </div>
      <StateBadge state={appeal.state} />
    </li>
  );
}

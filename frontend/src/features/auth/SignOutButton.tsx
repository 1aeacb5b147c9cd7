import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useAuth } from "./AuthContext";

export function SignOutButton() {
  const { t } = useTranslation();
  const { signOut } = useAuth();
  const navigate = useNavigate();
  return (
    <button
      type="button"
      className="button button--on-brand"
      onClick={() => void signOut(() => void navigate("/sign-in", { replace: true }))}
    >
      {t("common.signOut")}
    </button>
  );
}

import { useTranslation } from "react-i18next";
import { errorMessage } from "./errorMessage";

/** A failed action, announced at once by screen readers (role="alert"). */
export function ErrorAlert({ error, id }: { error: unknown; id?: string }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  return (
    <p role="alert" id={id} className="alert alert--error">
      {errorMessage(t, error)}
    </p>
  );
}

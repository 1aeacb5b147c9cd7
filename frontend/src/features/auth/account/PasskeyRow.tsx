import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { useConfirm } from "../../../shared/Confirm";
import { Notice } from "../../../shared/Notice";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { formatDateTime } from "../../../shared/formatDate";
import { TextField } from "../../../shared/TextField";
import { useAction } from "../../../shared/useAction";
import { removePasskey, renamePasskey, type Passkey } from "../api";
import { useStepUp } from "../StepUp";

export type { Passkey };

/** One passkey: its name (renamable in place), when it was added and last used, remove. */
export function PasskeyRow({ passkey, onChanged }: { passkey: Passkey; onChanged: () => unknown }) {
  const { t, i18n } = useTranslation();
  const stepUp = useStepUp();
  const confirm = useConfirm();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(passkey.name);
  const { busy, error, notice, run } = useAction();

  const rename = (event: SubmitEvent) => {
    event.preventDefault();
    void run(async () => {
      await renamePasskey(passkey.id, name.trim());
      setEditing(false);
      await onChanged();
    }, t("common.saved"));
  };
  const remove = () =>
    void run(async () => {
      await confirm({
        title: t("passkeys.removeConfirm", { name: passkey.name }),
        confirmLabel: t("passkeys.remove"),
        danger: true,
      });
      await stepUp(() => removePasskey(passkey.id));
      await onChanged();
    });

  return (
    <li className="item">
      {editing ? (
        <form onSubmit={rename} className="form form--inline">
          <TextField
            label={t("passkeys.renameLabel", { name: passkey.name })}
            value={name}
            onChange={setName}
            required
            maxLength={64}
            // Shown only after the user pressed Rename, whose button this form replaces: without
            // it, keyboard and screen-reader focus would fall back to the top of the page.
            // eslint-disable-next-line jsx-a11y/no-autofocus
            autoFocus
          />
          <button type="submit" className="button button--primary" disabled={busy || name.trim() === ""}>
            {t("common.save")}
          </button>
          <button type="button" className="button" onClick={() => setEditing(false)}>
            {t("common.cancel")}
          </button>
        </form>
      ) : (
        <div className="item__main">
          <strong>{passkey.name}</strong>
          <span className="muted">
            {t("passkeys.added", { date: formatDateTime(passkey.created_at, i18n.language) })}
            {" · "}
            {passkey.last_used_at
              ? t("passkeys.lastUsed", { date: formatDateTime(passkey.last_used_at, i18n.language) })
              : t("passkeys.neverUsed")}
          </span>
        </div>
      )}
      {editing ? null : (
        <div className="actions">
          <button
            type="button"
            className="button"
            onClick={() => setEditing(true)}
            aria-label={t("passkeys.renameNamed", { name: passkey.name })}
          >
            {t("passkeys.rename")}
          </button>
          <button
            type="button"
            className="button button--danger"
            onClick={remove}
            disabled={busy}
            aria-label={t("passkeys.removeNamed", { name: passkey.name })}
          >
            {t("passkeys.remove")}
          </button>
        </div>
      )}
      <ErrorAlert error={error} />
      <Notice>{notice}</Notice>
    </li>
  );
}

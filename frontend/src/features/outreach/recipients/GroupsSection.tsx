import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { useConfirm } from "../../../shared/Confirm";
import { Notice } from "../../../shared/Notice";
import { TextField } from "../../../shared/TextField";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import {
  createGroup,
  deleteGroup,
  listGroupMembers,
  renameGroup,
  setGroupMembers,
  type Group,
  type Recipient,
} from "./api";
import { RecipientErrorAlert } from "./RecipientError";

/** One group's members: every active recipient as a checkbox; saving replaces the whole list. */
function MembersEditor({
  group,
  recipients,
  onSaved,
  onClose,
}: {
  group: Group;
  recipients: Recipient[];
  onSaved: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const members = useLoad(() => listGroupMembers(group.id), [group.id]);
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const action = useAction();
  const current = chosen ?? new Set(members.data?.items.map((r) => r.id) ?? []);
  // Archived members stay listed, so that saving does not drop them unseen.
  const archived = members.data?.items.filter((r) => r.archived) ?? [];
  const choices = [...recipients, ...archived.filter((a) => !recipients.some((r) => r.id === a.id))];

  function toggle(id: string) {
    const next = new Set(current);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  }

  async function save(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const saved = await action.run(
      () => setGroupMembers(members.data?.group ?? group, [...current]),
      t("outreachRecipients.groups.membersSaved"),
    );
    if (saved) {
      members.setData(saved);
      setChosen(null);
      onSaved();
    }
  }

  return (
    <form onSubmit={(event) => void save(event)} data-testid="group-members">
      <fieldset>
        <legend>{t("outreachRecipients.groups.membersOf", { name: group.name })}</legend>
        <RecipientErrorAlert error={members.error} />
        {members.data ? (
          <ul className="items">
            {choices.map((recipient) => (
              <li key={recipient.id}>
                <label>
                  <input type="checkbox" checked={current.has(recipient.id)} onChange={() => toggle(recipient.id)} />{" "}
                  <span className="wrap-anywhere">{recipient.name}</span>
                  {recipient.archived ? (
                    <span className="muted"> ({t("outreachRecipients.list.archived")})</span>
                  ) : null}
                </label>
              </li>
            ))}
          </ul>
        ) : null}
      </fieldset>
      <RecipientErrorAlert error={action.error} />
      <Notice>{action.notice}</Notice>
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={action.busy || !members.data}>
          {t("outreachRecipients.groups.saveMembers")}
        </button>
        <button type="button" className="button" onClick={onClose}>
          {t("outreachRecipients.groups.close")}
        </button>
      </div>
    </form>
  );
}

/** Saved groups ("EU foreign ministers"): what letters and dispatches are batched over. */
export function GroupsSection({
  groups,
  recipients,
  onChanged,
}: {
  groups: Group[];
  recipients: Recipient[];
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const [name, setName] = useState("");
  const [editing, setEditing] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const action = useAction();

  async function add(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const made = await action.run(() => createGroup(name), t("outreachRecipients.groups.created"));
    if (made) {
      setName("");
      onChanged();
    }
  }

  async function rename(event: SubmitEvent<HTMLFormElement>, group: Group) {
    event.preventDefault();
    if (!renaming) return;
    const done = await action.run(() => renameGroup(group, renaming.name), t("outreachRecipients.groups.renamed"));
    if (done) {
      setRenaming(null);
      onChanged();
    }
  }

  async function remove(group: Group) {
    const done = await action.run(async () => {
      await confirm({
        title: t("outreachRecipients.groups.deleteQuestion", { name: group.name }),
        body: t("outreachRecipients.groups.deleteBody"),
        confirmLabel: t("outreachRecipients.groups.delete"),
        danger: true,
      });
      return deleteGroup(group.id);
    }, t("outreachRecipients.groups.deleted"));
    if (done) onChanged();
  }

  return (
    <section className="card" aria-labelledby="recipient-groups">
      <h2 id="recipient-groups" className="card__title">
        {t("outreachRecipients.groups.title")}
      </h2>
      <RecipientErrorAlert error={action.error} />
      <Notice>{action.notice}</Notice>
      {groups.length === 0 ? <p className="muted">{t("outreachRecipients.groups.none")}</p> : null}
      <ul className="items" data-testid="groups">
        {groups.map((group) => (
          <li key={group.id}>
            {renaming?.id === group.id ? (
              <form onSubmit={(event) => void rename(event, group)}>
                <TextField
                  label={t("outreachRecipients.groups.newName")}
                  value={renaming.name}
                  onChange={(value) => setRenaming({ id: group.id, name: value })}
                  required
                  maxLength={120}
                />
                <div className="actions">
                  <button type="submit" className="button button--primary" disabled={action.busy}>
                    {t("outreachRecipients.groups.rename")}
                  </button>
                  <button type="button" className="button" onClick={() => setRenaming(null)}>
                    {t("common.cancel")}
                  </button>
                </div>
              </form>
            ) : (
              <>
                <strong className="wrap-anywhere">{group.name}</strong>{" "}
                <span className="muted">{t("outreachRecipients.groups.count", { count: group.member_count })}</span>
                <div className="actions">
                  <button type="button" className="button" onClick={() => setEditing(group.id)}>
                    {t("outreachRecipients.groups.editMembers")}
                  </button>
                  <button
                    type="button"
                    className="button"
                    onClick={() => setRenaming({ id: group.id, name: group.name })}
                  >
                    {t("outreachRecipients.groups.rename")}
                  </button>
                  <button type="button" className="button button--danger" onClick={() => void remove(group)}>
                    {t("outreachRecipients.groups.delete")}
                  </button>
                </div>
              </>
            )}
            {editing === group.id ? (
              <MembersEditor
                group={group}
                recipients={recipients}
                onSaved={onChanged}
                onClose={() => setEditing(null)}
              />
            ) : null}
          </li>
        ))}
      </ul>
      <form onSubmit={(event) => void add(event)}>
        <TextField
          label={t("outreachRecipients.groups.name")}
          hint={t("outreachRecipients.groups.nameHint")}
          value={name}
          onChange={setName}
          required
          maxLength={120}
        />
        <button type="submit" className="button" disabled={action.busy || !name.trim()}>
          {t("outreachRecipients.groups.create")}
        </button>
      </form>
    </section>
  );
}

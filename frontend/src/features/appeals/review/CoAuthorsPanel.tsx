import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../../api/problem";
import { useConfirm } from "../../../shared/Confirm";
import { loadAll } from "../../../shared/loadAll";
import { Notice } from "../../../shared/Notice";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import { listMembers } from "../../memberships/api";
import {
  addEditor,
  approve,
  decideCoAuthoring,
  inviteCoAuthor,
  listCoAuthorCandidates,
  removeEditor,
  type Appeal,
} from "../api";
import { coAuthoringOpen, ReviewError } from "./common";

type Participant = Appeal["participants"][number];

/** "0123456789ab": enough of a hash to compare at a glance; the whole one is a click away. */
const shortHash = (hash: string) => hash.slice(0, 12);

/**
 * Who writes the appeal and who has approved the current revision: the participating
 * organizations (lead, co-authors), invitations and their answers, approvals of the head
 * hash, and the people the lead named as editors.
 */
export function CoAuthorsPanel({ appeal, onChanged }: { appeal: Appeal; onChanged: () => void }) {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const headingId = useId();
  const action = useAction();
  const byId = new Map(appeal.participants.map((p) => [p.organization_id, p]));
  const orgName = (id: string) => byId.get(id)?.name ?? "—";

  /** Runs a change that alters the header (participants, approvals, editors, state). */
  const change = async (work: () => Promise<unknown>, notice: string) => {
    const done = await action.run(async () => {
      await work();
      return true;
    }, notice);
    if (done) onChanged();
    return done === true;
  };

  const approveFor = (organizationId: string) => {
    const hash = appeal.head_sha256;
    if (!hash) return;
    const organization = orgName(organizationId);
    const number = appeal.head_number;
    void change(
      async () => {
        await confirm({
          title: t("appealReview.coAuthors.approveTitle", { number, organization }),
          body: t("appealReview.coAuthors.approveBody", { number, organization, hash }),
          confirmLabel: t("appealReview.coAuthors.approveConfirm", { number }),
        });
        try {
          await approve(appeal.id, organizationId, hash);
        } catch (error) {
          // Someone saved a new revision meanwhile: show the page as it now is, to read again.
          if (isApiError(error, "approval_not_current")) onChanged();
          throw error;
        }
      },
      t("appealReview.coAuthors.approvedNotice", { number, organization }),
    );
  };

  const decide = (organizationId: string, decision: "accept" | "decline" | "leave") => {
    const organization = orgName(organizationId);
    void change(
      async () => {
        if (decision !== "accept") {
          await confirm({
            title: t(`appealReview.coAuthors.${decision}Title`, { organization }),
            body: t(`appealReview.coAuthors.${decision}Body`, { organization }),
            confirmLabel: t(`appealReview.coAuthors.${decision}Confirm`),
            danger: true,
          });
        }
        await decideCoAuthoring(appeal.id, organizationId, decision);
      },
      t(`appealReview.coAuthors.${decision}Notice`, { organization }),
    );
  };

  const decisions = appeal.decide_for.flatMap((id) => {
    const participant = byId.get(id);
    return participant ? [participant] : [];
  });

  return (
    <section className="review-panel" aria-labelledby={headingId} data-testid="co-authors-panel">
      <h2 id={headingId} className="review-panel__title">
        {t("appealReview.coAuthors.title")}
      </h2>
      <Notice>{action.notice}</Notice>
      <ReviewError error={action.error} />

      <ParticipantsTable appeal={appeal} />

      <ApprovalSection appeal={appeal} busy={action.busy} byId={byId} onApprove={approveFor} />

      {decisions.length > 0 ? (
        <section className="review-section" aria-labelledby={`${headingId}-decide`}>
          <h3 id={`${headingId}-decide`} className="review-section__title">
            {t("appealReview.coAuthors.decisionsTitle")}
          </h3>
          <ul className="review-list">
            {decisions.map((participant) => (
              <li key={participant.organization_id} className="review-item">
                <DecisionRow
                  appeal={appeal}
                  participant={participant}
                  busy={action.busy}
                  onDecide={(decision) => decide(participant.organization_id, decision)}
                />
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {appeal.rights.includes("invite") && coAuthoringOpen(appeal) ? (
        <InviteForm
          appeal={appeal}
          busy={action.busy}
          onInvite={(organizationId, organization) =>
            change(
              async () => {
                await confirm({
                  title: t("appealReview.coAuthors.inviteTitle", { organization }),
                  body: t("appealReview.coAuthors.inviteBody", { organization }),
                  confirmLabel: t("appealReview.coAuthors.inviteConfirm"),
                });
                await inviteCoAuthor(appeal.id, organizationId);
              },
              t("appealReview.coAuthors.invitedNotice", { organization }),
            )
          }
        />
      ) : null}

      <EditorsSection
        appeal={appeal}
        busy={action.busy}
        onRemove={(userId, name) =>
          void change(
            async () => {
              await confirm({
                title: t("appealReview.editors.removeTitle", { name }),
                body: t("appealReview.editors.removeBody", { name }),
                confirmLabel: t("appealReview.editors.removeConfirm"),
                danger: true,
              });
              await removeEditor(appeal.id, userId);
            },
            t("appealReview.editors.removedNotice", { name }),
          )
        }
        onAdd={(userId, name) =>
          change(() => addEditor(appeal.id, userId), t("appealReview.editors.addedNotice", { name }))
        }
      />
    </section>
  );
}

function ParticipantsTable({ appeal }: { appeal: Appeal }) {
  const { t } = useTranslation();
  return (
    <div className="table-scroll">
      <table className="table review-table" data-testid="participants-table">
        <caption className="visually-hidden">{t("appealReview.coAuthors.tableCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("appealReview.coAuthors.organization")}</th>
            <th scope="col">{t("appealReview.coAuthors.role")}</th>
            <th scope="col">{t("appealReview.coAuthors.status")}</th>
            <th scope="col">{t("appealReview.coAuthors.approvedColumn", { number: appeal.head_number })}</th>
          </tr>
        </thead>
        <tbody>
          {appeal.participants.map((participant) => (
            <tr key={participant.organization_id}>
              <th scope="row" className="review-table__name">
                {participant.name}
              </th>
              {/* data-label: the column's name where narrow screens stack each row (styles.css). */}
              <td data-label={t("appealReview.coAuthors.role")}>
                {t(`appealReview.coAuthors.roles.${participant.role}`)}
              </td>
              <td data-label={t("appealReview.coAuthors.status")}>
                <span className={`status status--${participant.status}`}>
                  {t(`appealReview.coAuthors.statuses.${participant.status}`)}
                </span>
              </td>
              <td data-label={t("appealReview.coAuthors.approvedColumn", { number: appeal.head_number })}>
                {participant.approved ? (
                  <span className="review-approved">
                    <span aria-hidden="true">✓ </span>
                    {t("appealReview.coAuthors.approvedYes")}
                  </span>
                ) : (
                  <span className="muted">{t("appealReview.coAuthors.approvedNo")}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HashView({ hash }: { hash: string }) {
  const { t } = useTranslation();
  return (
    <>
      <code className="review-hash" data-testid="short-hash">
        {shortHash(hash)}
      </code>
      <details className="review-hash__full">
        <summary>{t("appealReview.coAuthors.fullHash")}</summary>
        <code className="review-hash__code">{hash}</code>
      </details>
    </>
  );
}

function ApprovalSection({
  appeal,
  busy,
  byId,
  onApprove,
}: {
  appeal: Appeal;
  busy: boolean;
  byId: Map<string, Participant>;
  onApprove: (organizationId: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const hash = appeal.head_sha256;
  if (!hash) return null;
  const mine = appeal.approve_for.flatMap((orgId) => {
    const participant = byId.get(orgId);
    return participant ? [participant] : [];
  });
  return (
    <section className="review-section" aria-labelledby={id} data-testid="approval-section">
      <h3 id={id} className="review-section__title">
        {t("appealReview.coAuthors.approvalTitle")}
      </h3>
      <div className="review-current">
        {t("appealReview.coAuthors.currentRevision", { number: appeal.head_number })} <HashView hash={hash} />
      </div>
      <p className="muted">{t("appealReview.coAuthors.approvalExplained")}</p>
      {mine.length > 0 && appeal.state !== "review" ? (
        <p className="muted">{t("appealReview.coAuthors.approveOnlyInReview")}</p>
      ) : null}
      {appeal.state === "review" && mine.length > 0 ? (
        <ul className="review-list">
          {mine.map((participant) => (
            <li key={participant.organization_id} className="review-item">
              {participant.approved ? (
                <p className="review-approved">
                  <span aria-hidden="true">✓ </span>
                  {t("appealReview.coAuthors.alreadyApproved", {
                    organization: participant.name,
                    number: appeal.head_number,
                  })}
                </p>
              ) : (
                <button
                  type="button"
                  className="button button--primary"
                  disabled={busy}
                  onClick={() => onApprove(participant.organization_id)}
                >
                  {t("appealReview.coAuthors.approveButton", {
                    number: appeal.head_number,
                    organization: participant.name,
                  })}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function DecisionRow({
  appeal,
  participant,
  busy,
  onDecide,
}: {
  appeal: Appeal;
  participant: Participant;
  busy: boolean;
  onDecide: (decision: "accept" | "decline" | "leave") => void;
}) {
  const { t } = useTranslation();
  const organization = participant.name;
  const open = coAuthoringOpen(appeal);
  if (participant.status === "invited") {
    return (
      <div className="review-decide">
        <p>{t("appealReview.coAuthors.invitedAs", { organization })}</p>
        <div className="actions">
          {open ? (
            <button type="button" className="button button--primary" disabled={busy} onClick={() => onDecide("accept")}>
              {t("appealReview.coAuthors.acceptButton", { organization })}
            </button>
          ) : null}
          <button type="button" className="button button--danger" disabled={busy} onClick={() => onDecide("decline")}>
            {t("appealReview.coAuthors.declineButton", { organization })}
          </button>
        </div>
      </div>
    );
  }
  if (participant.status === "accepted" && participant.role === "co_author") {
    return (
      <div className="review-decide">
        <p>{t("appealReview.coAuthors.coAuthorAs", { organization })}</p>
        {open ? (
          <div className="actions">
            <button type="button" className="button button--danger" disabled={busy} onClick={() => onDecide("leave")}>
              {t("appealReview.coAuthors.leaveButton", { organization })}
            </button>
          </div>
        ) : (
          <p className="muted">{t("appealReview.coAuthors.cannotLeave")}</p>
        )}
      </div>
    );
  }
  return null;
}

function InviteForm({
  appeal,
  busy,
  onInvite,
}: {
  appeal: Appeal;
  busy: boolean;
  onInvite: (organizationId: string, name: string) => Promise<boolean>;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const selectId = useId();
  // The server lists the organizations not yet invited or writing (declined or left ones
  // may be invited again); it reloads whenever the participants change.
  const participants = appeal.participants.map((p) => `${p.organization_id}:${p.status}`).join();
  const organizations = useLoad(() => listCoAuthorCandidates(appeal.id), [appeal.id, participants]);
  const [choice, setChoice] = useState("");
  const candidates = [...(organizations.data?.items ?? [])].sort((a, b) => a.name.localeCompare(b.name, i18n.language));

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const org = candidates.find((o) => o.id === choice);
    if (!org) return;
    if (await onInvite(org.id, org.name)) setChoice("");
  };

  return (
    <section className="review-section" aria-labelledby={id}>
      <h3 id={id} className="review-section__title">
        {t("appealReview.coAuthors.inviteTitleSection")}
      </h3>
      <ReviewError error={organizations.error} />
      {organizations.data && candidates.length === 0 ? (
        <p className="muted">{t("appealReview.coAuthors.noneToInvite")}</p>
      ) : null}
      {candidates.length > 0 ? (
        <form className="form form--inline" onSubmit={(event) => void submit(event)}>
          <div className="field">
            <label htmlFor={selectId}>{t("appealReview.coAuthors.inviteLabel")}</label>
            <select id={selectId} value={choice} required onChange={(event) => setChoice(event.target.value)}>
              <option value="">{t("appealReview.coAuthors.choose")}</option>
              {candidates.map((org) => (
                <option key={org.id} value={org.id}>
                  {org.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--primary" disabled={busy || !choice}>
            {t("appealReview.coAuthors.inviteButton")}
          </button>
        </form>
      ) : null}
      <p className="muted">{t("appealReview.coAuthors.inviteHint")}</p>
    </section>
  );
}

function EditorsSection({
  appeal,
  busy,
  onRemove,
  onAdd,
}: {
  appeal: Appeal;
  busy: boolean;
  onRemove: (userId: string, name: string) => void;
  onAdd: (userId: string, name: string) => Promise<boolean>;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const selectId = useId();
  const canManage = appeal.rights.includes("manage");
  // Only representatives (and admins) may list an organization's members: anyone else gets
  // no add form rather than an error.
  const members = useLoad(
    () =>
      canManage
        ? loadAll((cursor) => listMembers(appeal.lead_organization_id, cursor)).catch(() => null)
        : Promise.resolve(null),
    [canManage, appeal.lead_organization_id],
  );
  const [choice, setChoice] = useState("");
  const editorIds = new Set(appeal.editors.map((e) => e.id));
  const candidates = (members.data ?? [])
    .filter((m) => m.user_status === "active" && !editorIds.has(m.user_id))
    .sort((a, b) => a.display_name.localeCompare(b.display_name, i18n.language));

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const member = candidates.find((m) => m.user_id === choice);
    if (!member) return;
    if (await onAdd(member.user_id, member.display_name)) setChoice("");
  };

  return (
    <section className="review-section" aria-labelledby={id} data-testid="editors-section">
      <h3 id={id} className="review-section__title">
        {t("appealReview.editors.title")}
      </h3>
      <p className="muted">{t("appealReview.editors.explained")}</p>
      {appeal.editors.length === 0 ? (
        <p className="muted">{t("appealReview.editors.none")}</p>
      ) : (
        <ul className="items">
          {appeal.editors.map((editor) => (
            <li key={editor.id} className="item">
              <span className="wrap-anywhere">{editor.name}</span>
              {canManage ? (
                <button
                  type="button"
                  className="button button--danger"
                  disabled={busy}
                  onClick={() => onRemove(editor.id, editor.name)}
                >
                  {t("appealReview.editors.remove", { name: editor.name })}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canManage && members.data && candidates.length > 0 ? (
        <form className="form form--inline" onSubmit={(event) => void submit(event)} data-testid="add-editor">
          <div className="field">
            <label htmlFor={selectId}>{t("appealReview.editors.addLabel")}</label>
            <select id={selectId} value={choice} required onChange={(event) => setChoice(event.target.value)}>
              <option value="">{t("appealReview.editors.choose")}</option>
              {candidates.map((member) => (
                <option key={member.user_id} value={member.user_id}>
                  {member.display_name} ({member.email})
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--primary" disabled={busy || !choice}>
            {t("appealReview.editors.add")}
          </button>
        </form>
      ) : null}
    </section>
  );
}

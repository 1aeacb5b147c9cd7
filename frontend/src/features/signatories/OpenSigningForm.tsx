import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { Loading } from "../../shared/Loading";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import { useLoad } from "../../shared/useLoad";
import { listCustodianCandidates, openForSignatures, TIERS, type Tier } from "./api";

const DAY = 24 * 60 * 60 * 1000;

/** "YYYY-MM-DDTHH:MM" in local time, as a datetime-local input wants it. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * A coordinator opens an approved appeal for signatures: the closing date, who may sign in
 * which tiers, and the custodians (k of n, from at least two organizations) who together
 * hold the key to the withheld signers' identities. Anyone may sign too, on the appeal's public
 * page (/sign/:appealId), when the coordinator allows it.
 */
export function OpenSigningForm({ appealId, onOpened }: { appealId: string; onOpened: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const candidates = useLoad(() => listCustodianCandidates(appealId), [appealId]);
  const action = useAction();
  const [closesAt, setClosesAt] = useState(() => localInput(new Date(Date.now() + 30 * DAY)));
  const [tiers, setTiers] = useState<Set<Tier>>(new Set(TIERS));
  const [organizations, setOrganizations] = useState(true);
  const [members, setMembers] = useState(true);
  // Off unless chosen: a public page takes signatures from anyone, confirmed by email only.
  const [publicSigners, setPublicSigners] = useState(false);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [threshold, setThreshold] = useState("2");
  const [milestones, setMilestones] = useState("");

  const key = (userId: string, organizationId: string) => `${userId}/${organizationId}`;
  const toggle = <T,>(set: Set<T>, value: T) => {
    const next = new Set(set);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    return next;
  };

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      await openForSignatures(appealId, {
        closes_at: new Date(closesAt).toISOString(),
        tiers: TIERS.filter((tier) => tiers.has(tier)),
        allow_organizations: organizations,
        allow_members: members,
        allow_public: publicSigners,
        custodians: [...chosen].map((value) => {
          const [user_id = "", organization_id = ""] = value.split("/");
          return { user_id, organization_id };
        }),
        threshold: Number(threshold),
        // "100, 500 1000": whole numbers, at most five.
        milestones: milestones
          .split(/[\s,;]+/)
          .filter(Boolean)
          .map(Number)
          .filter((n) => Number.isInteger(n) && n > 0)
          .slice(0, 5),
      });
      onOpened();
    });
  };

  return (
    <form
      className="review-section form"
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
      data-testid="open-signing-form"
    >
      <h3 id={`${id}-title`} className="review-section__title">
        {t("signing.open.title")}
      </h3>
      <p>{t("signing.open.intro")}</p>
      <TextField
        label={t("signing.open.closesAt")}
        type="datetime-local"
        value={closesAt}
        onChange={setClosesAt}
        required
      />
      <fieldset className="choice">
        <legend>{t("signing.open.tiers")}</legend>
        {TIERS.map((tier) => (
          <label key={tier} className="choice__option">
            <input type="checkbox" checked={tiers.has(tier)} onChange={() => setTiers(toggle(tiers, tier))} />{" "}
            <strong>{t(`signing.tiers.${tier}.name`)}</strong> — {t(`signing.tiers.${tier}.explained`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="choice">
        <legend>{t("signing.open.who")}</legend>
        <label className="choice__option">
          <input type="checkbox" checked={organizations} onChange={(e) => setOrganizations(e.target.checked)} />{" "}
          {t("signing.open.organizations")}
        </label>
        <label className="choice__option">
          <input type="checkbox" checked={members} onChange={(e) => setMembers(e.target.checked)} />{" "}
          {t("signing.open.members")}
        </label>
        <label className="choice__option">
          <input type="checkbox" checked={publicSigners} onChange={(e) => setPublicSigners(e.target.checked)} />{" "}
          {t("signing.open.public")}
        </label>
      </fieldset>
      <fieldset className="choice" data-testid="custodian-choices">
        <legend>{t("signing.open.custodians")}</legend>
        <p className="field__hint">{t("signing.open.custodiansHint")}</p>
        <ErrorAlert error={candidates.error} />
        {!candidates.data && !candidates.error ? <Loading /> : null}
        {candidates.data?.items.length === 0 ? <p className="muted">{t("signing.open.noCandidates")}</p> : null}
        {candidates.data?.items.map((c) => (
          <label key={key(c.user_id, c.organization_id)} className="choice__option">
            <input
              type="checkbox"
              checked={chosen.has(key(c.user_id, c.organization_id))}
              onChange={() => setChosen(toggle(chosen, key(c.user_id, c.organization_id)))}
            />{" "}
            {c.name} — {c.organization_name}
          </label>
        ))}
      </fieldset>
      <TextField
        label={t("signing.open.threshold")}
        hint={t("signing.open.thresholdHint", { n: chosen.size })}
        type="number"
        min={2}
        max={9}
        value={threshold}
        onChange={setThreshold}
        required
      />
      <TextField
        label={t("signing.open.milestones")}
        hint={t("signing.open.milestonesHint")}
        value={milestones}
        onChange={setMilestones}
        inputMode="numeric"
      />
      <ErrorAlert error={action.error} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={action.busy}>
          {t("signing.open.submit")}
        </button>
      </div>
    </form>
  );
}

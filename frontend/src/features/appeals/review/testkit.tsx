/** Test helpers for the review panels: an appeal as the API sends it, a page around a panel, axe. */
import { render } from "@testing-library/react";
import axe from "axe-core";
import type { ReactNode } from "react";
import { expect } from "vitest";
import { ConfirmProvider } from "../../../shared/Confirm";
import { Loading } from "../../../shared/Loading";
import { useLoad } from "../../../shared/useLoad";
import { getAppeal, type Appeal } from "../api";

export const APPEAL_ID = "0190b7a0-0000-7000-8000-0000000aa001";
export const LEAD_ID = "0190b7a0-0000-7000-8000-00000000a001";
export const CO_ID = "0190b7a0-0000-7000-8000-00000000a002";
export const INVITED_ID = "0190b7a0-0000-7000-8000-00000000a003";
export const HEAD_SHA = "3f2a9c1be07d44e5a1c6b8d2f0e9a7c5b3d1e2f4a6c8b0d9e7f5a3c1b2d4e6f8";
export const REVISION_ID = "0190b7a0-0000-7000-8000-0000000bb003";
export const ALINA = { id: "0190b7a0-0000-7000-8000-00000000b001", name: "Alina" };
export const PAVEL = { id: "0190b7a0-0000-7000-8000-00000000b002", name: "Pavel" };

export const appealPath = `/api/appeals/${APPEAL_ID}`;

/** A GET /api/appeals/{id} body: a lead and a co-author, revision 3 in review. */
export function appealBody(overrides: Partial<Appeal> = {}): Appeal {
  return {
    id: APPEAL_ID,
    title: "Free the prisoners of conscience",
    state: "review",
    language: "en",
    lead_organization_id: LEAD_ID,
    lead_organization_name: "Forum of the Free",
    head_number: 3,
    created_at: "2026-03-01T10:00:00Z",
    updated_at: "2026-03-02T10:00:00Z",
    head_revision_id: REVISION_ID,
    head_sha256: HEAD_SHA,
    frozen_sha256: null,
    participants: [
      { organization_id: LEAD_ID, name: "Forum of the Free", role: "lead", status: "accepted", approved: true },
      { organization_id: CO_ID, name: "Viasna Abroad", role: "co_author", status: "accepted", approved: false },
    ],
    editors: [],
    rights: ["read", "comment", "edit", "invite", "manage"],
    approve_for: [],
    decide_for: [],
    actions: [],
    signing_window: false,
    ...overrides,
  };
}

type Panel = (props: { appeal: Appeal; onChanged: () => void }) => ReactNode;

/** Stands in for the appeal page: reads the appeal, and reads it again when the panel says it changed. */
function Page({ Panel }: { Panel: Panel }) {
  const appeal = useLoad(() => getAppeal(APPEAL_ID));
  if (appeal.error) return <p>The appeal could not be read.</p>;
  if (!appeal.data) return <Loading />;
  return <Panel appeal={appeal.data} onChanged={appeal.reload} />;
}

export function renderPanel(Panel: Panel) {
  return render(
    <ConfirmProvider>
      <main>
        <Page Panel={Panel} />
      </main>
    </ConfirmProvider>,
  );
}

/** No axe violation in what is rendered (contrast needs layout, which the test DOM has not). */
export async function expectAccessible(container: Element) {
  const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
  expect(found).toEqual([]);
}

/** The item at `index`, failing the test when there is none. */
export function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`expected an item at ${index}, found ${items.length} items`);
  return item;
}

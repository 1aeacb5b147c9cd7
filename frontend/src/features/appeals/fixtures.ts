/** Test data for the appeals pages (used by *.test.tsx only). */
import type { Appeal, AppealSummary, Block, Revision, TextRead } from "./api";

export const APPEAL_ID = "0190b7a0-0000-7000-8000-00000000a9e1";
export const ORG_ID = "0190b7a0-0000-7000-8000-00000000a001";
export const HASH = "ab12cd34ef56".padEnd(64, "0");

export function summary(overrides: Partial<AppealSummary> = {}): AppealSummary {
  return {
    id: APPEAL_ID,
    title: "Free all political prisoners",
    state: "draft",
    language: "en",
    lead_organization_id: ORG_ID,
    lead_organization_name: "Forum of the Free",
    head_number: 3,
    created_at: "2026-03-01T10:00:00Z",
    updated_at: "2026-03-02T11:30:00Z",
    ...overrides,
  };
}

export function appeal(overrides: Partial<Appeal> = {}): Appeal {
  return {
    ...summary(),
    head_revision_id: "0190b7a0-0000-7000-8000-0000000000r3",
    head_sha256: HASH,
    frozen_sha256: null,
    participants: [],
    editors: [],
    rights: ["read", "comment", "edit"],
    approve_for: [],
    decide_for: [],
    actions: [],
    signing_window: false,
    ...overrides,
  };
}

export function revision(number: number, overrides: Partial<Revision> = {}): Revision {
  return {
    id: `0190b7a0-0000-7000-8000-0000000000r${number}`,
    number,
    sha256: String(number).repeat(12).padEnd(64, "f"),
    parent_sha256: null,
    author: { id: "0190b7a0-0000-7000-8000-000000000001", name: "Aleś" },
    credited: null,
    note: null,
    merged: false,
    created_at: "2026-03-02T11:30:00Z",
    ...overrides,
  };
}

export const BLOCKS: Block[] = [
  { id: "title0000001", kind: "title", text: "Free all political prisoners" },
  { id: "salut0000001", kind: "salutation", text: "Dear Minister," },
  { id: "para00000001", kind: "paragraph", text: "We write about the **1,200** people held for their views." },
  { id: "ask000000001", kind: "ask", text: "Release them." },
  { id: "ask000000002", kind: "ask", text: "End the persecution." },
  { id: "para00000002", kind: "paragraph", text: "Мы патрабуем *неадкладна* вызваліць усіх палітвязняў." },
  { id: "ask000000003", kind: "ask", text: "Compensate the victims." },
  { id: "quote0000001", kind: "quote", text: "Nobody shall be subjected to arbitrary arrest." },
  { id: "close0000001", kind: "closing", text: "Sincerely," },
];

export function textRead(blocks: Block[] = BLOCKS, number = 3, overrides: Partial<Revision> = {}): TextRead {
  return { revision: revision(number, overrides), blocks };
}

export const session = {
  state: "full",
  csrf_token: "csrf-appeals",
  user: {
    id: "0190b7a0-0000-7000-8000-000000000001",
    email: "ales@example.org",
    display_name: "Aleś",
    language: "en",
    platform_roles: [] as string[],
    password_change_required: false,
  },
  memberships: [{ organization_id: ORG_ID, role: "member" }],
  totp_enabled: false,
  passkeys: 0,
  second_factor_fresh: false,
};

import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { setLanguage } from "../../../i18n";
import { fakeServer } from "../../../test/fakeServer";
import type { Activity } from "../api";
import { ActivityPanel } from "./ActivityPanel";
import { ALINA, appealBody, appealPath, CO_ID, expectAccessible, PAVEL, renderPanel } from "./testkit";

let n = 0;
const event = (action: string, details: Activity["details"] = {}, actor: Activity["actor"] = ALINA): Activity => ({
  id: `0190b7a0-0000-7000-8000-0000000ee${String(++n).padStart(3, "0")}`,
  action,
  actor,
  at: "2026-03-02T10:05:00Z",
  details,
});

const ORG = { organization_id: CO_ID, organization_name: "Viasna Abroad" };

const EVENTS: Activity[] = [
  event("appeal.translation_approved", { language: "uk", sha256: "e".repeat(64) }),
  event("appeal.translation_revised", { language: "uk", number: 3 }),
  event("appeal.translation_created", { language: "uk" }),
  event("appeal.suggestion_decided", { decision: "accepted", number: 4 }, PAVEL),
  event("appeal.suggestion_decided", { decision: "rejected" }, PAVEL),
  event("appeal.suggested", { kind: "replace", number: 3 }),
  event("appeal.comment_resolved", { resolved: true }),
  event("appeal.comment_resolved", { resolved: false }),
  event("appeal.commented", { number: 3 }),
  event("appeal.commented", {}),
  event("appeal.editor_removed", { user_id: PAVEL.id }),
  event("appeal.editor_added", { user_id: PAVEL.id }),
  event("appeal.co_author_decided", { ...ORG, decision: "leave" }),
  event("appeal.co_author_decided", { ...ORG, decision: "accept" }),
  event("appeal.co_author_invited", ORG),
  event("appeal.approved", { ...ORG, number: 3, sha256: "a".repeat(64) }),
  event("appeal.state_changed", { from: "review", to: "approved", action: "approve_complete" }, null),
  event("appeal.state_changed", { from: "draft", to: "review", action: "submit_for_review" }),
  event("appeal.revised", { number: 3, merged: true, approvals_reset: true }),
  event("appeal.created", { language: "en" }),
  event("appeal.something_new", {}),
];

function server() {
  return fakeServer({
    [`GET ${appealPath}`]: { body: appealBody({ editors: [PAVEL] }) },
    [`GET ${appealPath}/activity`]: { body: { items: EVENTS } },
  });
}

const lines = async () => {
  const items = await screen.findAllByTestId("activity-event");
  return items.map((item) => item.querySelector(".review-activity__what")?.textContent);
};

describe("activity", () => {
  it("says what happened, who did it and when, in English", async () => {
    const calls = server();
    const { container } = renderPanel(ActivityPanel);
    expect(await lines()).toEqual([
      "Approved the translation into Ukrainian (uk).",
      "Saved revision 3 of the translation into Ukrainian (uk).",
      "Started a translation into Ukrainian (uk).",
      "Accepted a suggestion; it became revision 4.",
      "Rejected a suggestion.",
      "Suggested a change to revision 3: Replace a passage.",
      "Resolved a comment thread.",
      "Reopened a comment thread.",
      "Commented on revision 3.",
      "Replied in a comment thread.",
      "Removed an editor.",
      "Named Pavel an editor.",
      "Withdrew Viasna Abroad from co-authoring.",
      "Accepted co-authoring for Viasna Abroad.",
      "Invited Viasna Abroad to co-author.",
      "Approved revision 3 for Viasna Abroad.",
      "Every organization approved: the appeal moved from “In review” to “Approved”.",
      "Moved the appeal from “Draft” to “In review”.",
      "Saved revision 3. Merged with a save made at the same time. Approvals were reset.",
      "Started the appeal in English (en).",
      "Another change.",
    ]);
    const [first] = await screen.findAllByTestId("activity-event");
    expect(first?.textContent).toContain("Alina");
    expect(first?.querySelector("time")?.getAttribute("datetime")).toBe("2026-03-02T10:05:00Z");
    expect(screen.getAllByTestId("activity-event")[16]?.textContent).toContain("Accord (automatically)");
    await expectAccessible(container);

    await userEvent.setup().click(screen.getByRole("button", { name: "Refresh" }));
    await waitFor(() => expect(calls.calls("GET", `${appealPath}/activity`)).toHaveLength(2));
  });

  it("labels every event in Russian", async () => {
    await setLanguage("ru");
    server();
    renderPanel(ActivityPanel);
    expect(await lines()).toEqual([
      "Одобрил(а) перевод: украинский (uk).",
      "Сохранил(а) редакцию 3 перевода: украинский (uk).",
      "Начал(а) перевод: украинский (uk).",
      "Принял(а) предложение; оно стало редакцией 4.",
      "Отклонил(а) предложение.",
      "Предложил(а) изменение к редакции 3: Замена фрагмента.",
      "Отметил(а) обсуждение решённым.",
      "Открыл(а) обсуждение снова.",
      "Прокомментировал(а) редакцию 3.",
      "Ответил(а) в обсуждении.",
      "Убрал(а) редактора.",
      "Назначил(а) редактором: Pavel.",
      "Вывел(а) «Viasna Abroad» из соавторов.",
      "Принял(а) соавторство от имени «Viasna Abroad».",
      "Пригласил(а) «Viasna Abroad» в соавторы.",
      "Одобрил(а) редакцию 3 от имени «Viasna Abroad».",
      "Все организации одобрили: обращение перешло из состояния «На согласовании» в «Согласовано».",
      "Перевёл(а) обращение из состояния «Черновик» в «На согласовании».",
      "Сохранил(а) редакцию 3. Объединено с одновременным сохранением. Одобрения сброшены.",
      "Начал(а) обращение. Язык: английский (en).",
      "Другое изменение.",
    ]);
    expect(screen.getByRole("heading", { name: "Журнал" })).toBeTruthy();
    expect(screen.getAllByTestId("activity-event")[0]?.textContent).toContain("2 мар. 2026 г.");
  });
});

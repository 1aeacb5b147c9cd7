import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeServer } from "../../../test/fakeServer";
import type { Comment } from "../api";
import { CommentsPanel } from "./CommentsPanel";
import { ALINA, appealBody, at, appealPath, expectAccessible, PAVEL, renderPanel } from "./testkit";

const THREAD_ID = "0190b7a0-0000-7000-8000-0000000cc001";
const OLD_THREAD_ID = "0190b7a0-0000-7000-8000-0000000cc002";

function thread(overrides: Partial<Comment> = {}): Comment {
  return {
    id: THREAD_ID,
    parent_id: null,
    author: ALINA,
    body: "Name the prisoners <b>here</b>.",
    created_at: "2026-03-02T09:00:00Z",
    revision_number: 3,
    anchor: {
      block_id: "para0001",
      exact: "political prisoners",
      prefix: "We ask you to free all ",
      suffix: " held in",
    },
    located: { block_id: "para0001", start: 23, end: 42 },
    outdated: false,
    resolved_at: null,
    resolved_by: null,
    replies: [
      {
        id: "0190b7a0-0000-7000-8000-0000000cc101",
        parent_id: THREAD_ID,
        author: PAVEL,
        body: "Agreed, with their consent.",
        created_at: "2026-03-02T09:30:00Z",
        revision_number: 3,
        anchor: null,
        located: null,
        outdated: false,
        resolved_at: null,
        resolved_by: null,
        replies: [],
      },
    ],
    ...overrides,
  };
}

function server(threads: Comment[], rights = appealBody().rights) {
  const state = { threads };
  const calls = fakeServer({
    [`GET ${appealPath}`]: { body: appealBody({ rights }) },
    [`GET ${appealPath}/comments`]: () => ({ body: { items: state.threads } }),
    [`POST ${appealPath}/comments/${THREAD_ID}/replies`]: { status: 201, body: thread() },
    [`POST ${appealPath}/comments/${THREAD_ID}/resolution`]: ({ body }) => {
      const resolved = (body as { resolved: boolean }).resolved;
      state.threads = state.threads.map((t) =>
        t.id === THREAD_ID
          ? { ...t, resolved_at: resolved ? "2026-03-03T10:00:00Z" : null, resolved_by: resolved ? PAVEL : null }
          : t,
      );
      return { body: state.threads[0] };
    },
  });
  return calls;
}

describe("comments", () => {
  it("shows each thread with its quoted passage, author, replies and an outdated badge", async () => {
    server([
      thread(),
      thread({
        id: OLD_THREAD_ID,
        author: PAVEL,
        body: "This sentence is too long.",
        revision_number: 1,
        outdated: true,
        located: null,
        replies: [],
      }),
    ]);
    const { container } = renderPanel(CommentsPanel);
    const threads = await screen.findAllByTestId("comment-thread");
    expect(threads).toHaveLength(2);

    const first = at(threads, 0);
    const quote = first.querySelector("blockquote");
    expect(quote?.textContent).toBe("Commented passage: …We ask you to free all political prisoners held in…");
    expect(quote?.querySelector("mark")?.textContent).toBe("political prisoners");
    // Text from the server stays text: no element is made from it.
    expect(within(first).getByText("Name the prisoners <b>here</b>.")).toBeTruthy();
    expect(first.querySelector("b")).toBeNull();
    expect(within(first).getByRole("list", { name: "Replies" }).textContent).toContain("Agreed, with their consent.");
    expect(within(first).queryByText(/Outdated/)).toBeNull();

    expect(within(at(threads, 1)).getByText("Outdated — made on revision 1")).toBeTruthy();
    await expectAccessible(container);
  });

  it("explains where threads start when there are none", async () => {
    server([]);
    renderPanel(CommentsPanel);
    expect(await screen.findByText("No comments yet. Select a passage in the Text tab to comment.")).toBeTruthy();
  });

  it("sends a reply only when there is one, and says so", async () => {
    const calls = server([thread()]);
    renderPanel(CommentsPanel);
    const user = userEvent.setup();
    const item = await screen.findByTestId("comment-thread");
    await user.click(within(item).getByRole("button", { name: "Reply" }));
    const box = within(item).getByLabelText("Your reply to Alina");
    expect(document.activeElement).toBe(box);

    await user.click(within(item).getByRole("button", { name: "Send reply" }));
    expect(within(item).getByRole("alert").textContent).toBe("Write a reply first.");
    expect(calls.calls("POST", `${appealPath}/comments/${THREAD_ID}/replies`)).toHaveLength(0);

    await user.type(box, "  Their families agreed.  ");
    await user.click(within(item).getByRole("button", { name: "Send reply" }));
    expect((await screen.findByRole("status")).textContent).toBe("Reply sent.");
    expect(calls.calls("POST", `${appealPath}/comments/${THREAD_ID}/replies`).map((c) => c.body)).toEqual([
      { body: "Their families agreed.", mentions: [] },
    ]);
    expect(within(item).queryByLabelText("Your reply to Alina")).toBeNull();
  });

  it("tells the people chosen in the reply by email", async () => {
    const calls = server([thread()]);
    calls.route(`GET ${appealPath}/mentionable`, { body: { items: [PAVEL] } });
    renderPanel(CommentsPanel);
    const user = userEvent.setup();
    const item = await screen.findByTestId("comment-thread");
    await user.click(within(item).getByRole("button", { name: "Reply" }));
    await user.type(within(item).getByLabelText("Your reply to Alina"), "Please check.");
    await user.click(within(item).getByText("Notify people by email"));
    await user.click(await within(item).findByRole("checkbox", { name: PAVEL.name }));
    await user.click(within(item).getByRole("button", { name: "Send reply" }));
    expect((await screen.findByRole("status")).textContent).toBe("Reply sent.");
    expect(calls.calls("POST", `${appealPath}/comments/${THREAD_ID}/replies`).map((c) => c.body)).toEqual([
      { body: "Please check.", mentions: [PAVEL.id] },
    ]);
  });

  it("resolves a thread, which then shows under “Resolved” with a way to reopen it", async () => {
    const calls = server([thread()]);
    renderPanel(CommentsPanel);
    const user = userEvent.setup();
    const item = await screen.findByTestId("comment-thread");
    await user.click(within(item).getByRole("button", { name: "Resolve" }));

    expect((await screen.findByRole("status")).textContent).toBe("Thread resolved.");
    expect(calls.calls("POST", `${appealPath}/comments/${THREAD_ID}/resolution`).map((c) => c.body)).toEqual([
      { resolved: true },
    ]);
    await waitFor(() => expect(screen.queryByTestId("comment-thread")).toBeNull());
    expect(screen.getByText("No open threads.")).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole("heading", { name: "Comments" }));

    await user.selectOptions(screen.getByLabelText("Show"), "resolved");
    const resolved = screen.getByTestId("comment-thread");
    expect(resolved.textContent).toContain("Resolved by Pavel,");
    await user.click(within(resolved).getByRole("button", { name: "Reopen" }));
    expect((await screen.findByRole("status")).textContent).toBe("Thread reopened.");
  });

  it("offers no reply or resolve to someone who may only read", async () => {
    server([thread()], ["read"]);
    renderPanel(CommentsPanel);
    const item = await screen.findByTestId("comment-thread");
    expect(within(item).queryByRole("button")).toBeNull();
  });
});

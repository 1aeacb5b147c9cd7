import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../../../api/problem";
import { setLanguage } from "../../../i18n";
import { ConfirmProvider } from "../../../shared/Confirm";
import { confirmInPage } from "../../../test/confirmInPage";
import { fakeServer, problem } from "../../../test/fakeServer";
import type { DocumentRead, Uploader } from "./api";
import { DocumentList } from "./DocumentList";
import { DocumentUpload } from "./DocumentUpload";

const DISPATCH_ID = "0190b7a0-0000-7000-8000-0000000d0001";
const DOCUMENT_ID = "0190b7a0-0000-7000-8000-0000000d0002";
const parent = { kind: "dispatch" as const, id: DISPATCH_ID };

const stored: DocumentRead = {
  id: DOCUMENT_ID,
  role: "dispatch_proof",
  dispatch_id: DISPATCH_ID,
  response_id: null,
  filename: "Ответ МИД.pdf",
  media_type: "application/pdf",
  size: 1_400_000,
  uploaded_at: "2026-11-30T08:00:00Z",
  uploaded_by: null,
};

const pdf = (name = "Ответ МИД.pdf", size = 10) => new File([new Uint8Array(size)], name, { type: "application/pdf" });

async function noViolations(root: Element) {
  const result = await axe.run(root, { rules: { "color-contrast": { enabled: false } } });
  expect(result.violations.map((v) => v.id)).toEqual([]);
}

describe("uploading a document", () => {
  it("shows progress, then says the file is stored", async () => {
    let report: (fraction: number) => void = () => {};
    let finish: (document: DocumentRead) => void = () => {};
    const upload = vi.fn<Uploader>(
      (_parent, _file, onProgress) =>
        new Promise((resolve) => {
          report = onProgress;
          finish = resolve;
        }),
    );
    const uploaded = vi.fn();
    const { container } = render(<DocumentUpload parent={parent} upload={upload} onUploaded={uploaded} />);
    const user = userEvent.setup({ delay: null });
    // The server stores a sanitized name; the message says which.
    await user.upload(screen.getByLabelText("Document"), pdf("scan\u202Efdp.exe.pdf"));
    await user.click(screen.getByRole("button", { name: "Upload" }));
    expect(upload).toHaveBeenCalledWith(parent, expect.any(File), expect.any(Function));
    report(0.5);
    const bar = await screen.findByRole("progressbar", { name: "Upload progress" });
    await waitFor(() => expect((bar as HTMLProgressElement).value).toBe(0.5));
    finish(stored);
    expect((await screen.findByRole("status")).textContent).toContain("“Ответ МИД.pdf” is stored.");
    expect(uploaded).toHaveBeenCalledWith(stored);
    expect(screen.queryByRole("progressbar")).toBeNull();
    await noViolations(container);
  });

  it.each([
    [new ApiError(413, "document_too_large"), "larger than 25 MB"],
    [new ApiError(413, "payload_too_large"), "larger than 25 MB"],
    [new ApiError(415, "document_type_refused"), "not a PDF, an image or an office document"],
    [new ApiError(415, "document_container_refused"), "damaged or unsafe"],
    [new ApiError(422, "document_empty"), "This file is empty."],
  ])("explains a refusal (%s)", async (error, words) => {
    const upload = vi.fn<Uploader>(() => Promise.reject(error));
    const { container } = render(<DocumentUpload parent={parent} upload={upload} />);
    const user = userEvent.setup({ delay: null });
    await user.upload(screen.getByLabelText("Document"), pdf("letter.pdf"));
    await user.click(screen.getByRole("button", { name: "Upload" }));
    expect((await screen.findByRole("alert")).textContent).toContain(words);
    expect(screen.getByLabelText("Document").getAttribute("aria-invalid")).toBe("true");
    await noViolations(container);
  });

  it("refuses a file over the limit before sending it", async () => {
    const upload = vi.fn<Uploader>();
    render(<DocumentUpload parent={parent} upload={upload} maxBytes={2_000_000} />);
    const user = userEvent.setup({ delay: null });
    await user.upload(screen.getByLabelText("Document"), pdf("scan.pdf", 2_000_001));
    await user.click(screen.getByRole("button", { name: "Upload" }));
    expect((await screen.findByRole("alert")).textContent).toContain("larger than 2 MB");
    expect(upload).not.toHaveBeenCalled();
  });

  it("speaks Belarusian", async () => {
    await setLanguage("be");
    try {
      render(<DocumentUpload parent={parent} upload={vi.fn<Uploader>()} />);
      expect(screen.getByRole("button", { name: "Загрузіць" })).toBeTruthy();
    } finally {
      await setLanguage("en");
    }
  });
});

describe("the list of documents", () => {
  it("links each document for download and lets a coordinator delete one", async () => {
    const server = fakeServer({
      [`GET /api/dispatches/${DISPATCH_ID}/documents`]: { body: { items: [stored] } },
      [`DELETE /api/documents/${DOCUMENT_ID}`]: { body: { status: "ok" } },
    });
    const { container } = render(
      <ConfirmProvider>
        <DocumentList parent={parent} canDelete />
      </ConfirmProvider>,
    );
    const link = await screen.findByRole("link", { name: "Ответ МИД.pdf" });
    expect(link.getAttribute("href")).toBe(`/api/documents/${DOCUMENT_ID}`);
    expect(within(screen.getByTestId("document-list")).getByText(/1\.4 MB/)).toBeTruthy();
    await noViolations(container);

    server.route(`GET /api/dispatches/${DISPATCH_ID}/documents`, { body: { items: [] } });
    const user = userEvent.setup({ delay: null });
    await user.click(screen.getByRole("button", { name: "Delete Ответ МИД.pdf" }));
    await confirmInPage(user, "Delete “Ответ МИД.pdf”?", "Delete");
    expect((await screen.findByRole("status")).textContent).toContain("“Ответ МИД.pdf” was deleted.");
    expect(server.calls("DELETE", `/api/documents/${DOCUMENT_ID}`)).toHaveLength(1);
    expect(await screen.findByText("No documents yet.")).toBeTruthy();
  });

  it("shows a representative the links only, and says when the list cannot load", async () => {
    fakeServer({
      [`GET /api/responses/${DISPATCH_ID}/documents`]: problem(403, "permission_denied"),
    });
    render(
      <ConfirmProvider>
        <DocumentList parent={{ kind: "response", id: DISPATCH_ID }} />
      </ConfirmProvider>,
    );
    expect(await screen.findByRole("alert")).toBeTruthy();
    expect(screen.queryByRole("button")).toBeNull();
  });
});

import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ImportReport } from "./api";
import { ImportReportTable } from "./ImportReportTable";

function report(overrides: Partial<ImportReport> = {}): ImportReport {
  return {
    dry_run: true,
    stored: false,
    rows: 3,
    created: 0,
    groups_created: 0,
    problems: [],
    preview: [],
    ...overrides,
  };
}

describe("ImportReportTable", () => {
  it("lists every problem with its line and column, in the interface's words", () => {
    render(
      <ImportReportTable
        report={report({
          problems: [
            { row: 3, column: "country", code: "value_error", message: "must be an ISO 3166-1 alpha-2 country code" },
            { row: 3, column: "email", code: "email_invalid", message: "not a valid email address" },
            { row: 4, column: "name", code: "duplicate_in_registry", message: "in the registry already" },
            { row: 5, column: null, code: "some_new_code", message: "server words" },
          ],
        })}
      />,
    );
    expect(screen.getByText(/Problems found: 4 \(rows in the file: 3\)/)).toBeTruthy();
    const table = screen.getByRole("table", { name: "Problems, row by row" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(
      rows.map((row) =>
        within(row)
          .getAllByRole("cell")
          .map((cell) => cell.textContent),
      ),
    ).toEqual([
      ["3", "country", "This value is not valid here."],
      ["3", "email", "Not a valid email address."],
      ["4", "name", "This recipient is already in the registry."],
      ["5", "—", "This value is not valid here."],
    ]);
    // The server's own message is never shown.
    expect(screen.queryByText(/server words/)).toBeNull();
    expect(screen.queryByTestId("import-preview")).toBeNull();
  });

  it("shows the rows that would be imported when nothing is wrong", () => {
    render(
      <ImportReportTable
        report={report({
          rows: 2,
          groups_created: 1,
          preview: [
            { row: 2, kind: "government", country: "DK", name: "Denmark — Prime Minister", group: "EU heads" },
            { row: 3, kind: "official", country: "UA", name: "Україна — Уповноважений з прав людини", group: null },
          ],
        })}
      />,
    );
    expect(screen.getByText(/Every row is valid. Rows to import: 2. New groups: 1./)).toBeTruthy();
    const table = screen.getByRole("table", { name: "Rows to import" });
    expect(within(table).getByText("Україна — Уповноважений з прав людини")).toBeTruthy();
    expect(within(table).getByText("Government")).toBeTruthy();
    expect(screen.queryByTestId("import-problems")).toBeNull();
  });
});

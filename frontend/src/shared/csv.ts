/** RFC 4180 CSV, with cells that a spreadsheet would run as formulas defused (a leading
 * = + - @ tab or carriage return gets a quote in front). Data cells are always quoted; a
 * header cell only when it must be, so that simple headers read as plain names. */
export function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const defused = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
  const quoted = (value: string) => `"${defused(value).replaceAll('"', '""')}"`;
  const head = (value: string) => (/[",\r\n]|^[=+\-@\t\r]/.test(value) ? quoted(value) : value);
  return [header.map(head).join(","), ...rows.map((row) => row.map(quoted).join(","))].join("\r\n") + "\r\n";
}

/** RFC 4180 CSV, with cells that a spreadsheet would run as formulas defused (a leading
 * = + - @ tab or carriage return gets a quote in front). */
export function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return `"${safe.replaceAll('"', '""')}"`;
  };
  return [header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

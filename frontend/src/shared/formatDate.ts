// 24-hour clock: unambiguous, and correct even where the browser lacks data for the locale.
const DATE_TIME: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
};

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * An ISO timestamp from the API as a date and time in the interface language. A browser
 * without data for that language (Chromium has none for Belarusian) gets "2026-03-01 10:05"
 * rather than month names in some other language.
 */
export function formatDateTime(value: string | null | undefined, language: string): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "—";
  if (Intl.DateTimeFormat.supportedLocalesOf([language]).length === 0) {
    const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
    return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
  }
  return new Intl.DateTimeFormat(language, DATE_TIME).format(date);
}

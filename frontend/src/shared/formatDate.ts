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

// Month names (genitive, as in "1 сакавіка") for languages some browsers have no data for:
// Chromium ships none for Belarusian (Node does, so tests would not notice).
const MONTHS: Record<string, readonly string[]> = {
  be: [
    "студзеня",
    "лютага",
    "сакавіка",
    "красавіка",
    "мая",
    "чэрвеня",
    "ліпеня",
    "жніўня",
    "верасня",
    "кастрычніка",
    "лістапада",
    "снежня",
  ],
};

/**
 * An ISO timestamp from the API as a date and time in the interface language. Where the
 * browser has no data for that language (Chromium has none for Belarusian) our own month
 * names give "1 сакавіка 2026, 10:05"; a language we have none for either gets
 * "2026-03-01 10:05" rather than month names in some other language.
 */
export function formatDateTime(value: string | null | undefined, language: string): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "—";
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  // Ours first, so that every browser writes the same thing.
  const months = MONTHS[language.split("-")[0] ?? ""];
  if (months) return `${date.getDate()} ${months[date.getMonth()]} ${date.getFullYear()}, ${time}`;
  if (Intl.DateTimeFormat.supportedLocalesOf([language]).length === 0) {
    const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
    return `${day} ${time}`;
  }
  return new Intl.DateTimeFormat(language, DATE_TIME).format(date);
}

/** A calendar day from the API ("2026-03-01") in the interface language, with no time and no
 * time zone shift (a day is not an instant). */
export function formatDay(value: string | null | undefined, language: string): string {
  const match = value ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!match) return "—";
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const months = MONTHS[language.split("-")[0] ?? ""];
  if (months) return `${day} ${months[month - 1]} ${year}`;
  if (Intl.DateTimeFormat.supportedLocalesOf([language]).length === 0) return value ?? "—";
  return new Intl.DateTimeFormat(language, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(year, month - 1, day)),
  );
}

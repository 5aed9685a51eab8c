// Times as a person reads them in the text outputs (the CLI's text, the output channel, the report
// view): local wall-clock time with its UTC offset, and how long ago. The JSON and SARIF outputs
// keep the ISO 8601 UTC string. The clock and the time zone are injected so tests are deterministic.

/** What "now" and "here" are; both default to the process's. */
export interface Clock {
  /** Milliseconds since the epoch (default `Date.now()`). */
  now?: number;
  /** An IANA time zone such as `Europe/Paris` (default: the process's local zone). */
  timeZone?: string;
}

/**
 * `2026-12-07 18:56:12 UTC+1, 2 min ago` — or without the relative part when `relative` is false
 * (text that is copied and read later, such as the Markdown report). An unreadable string is returned as it is.
 */
export function localTime(iso: string, clock: Clock = {}, relative = true): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: clock.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(new Date(ms));
  const p = (type: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === type)?.value ?? '';
  const zone = p('timeZoneName').replace(/^GMT/, 'UTC').replace(/^UTC[+-]0?0?$/, 'UTC');
  const shown = `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')} ${zone}`;
  return relative ? `${shown}, ${timeAgo(ms, clock.now ?? Date.now())}` : shown;
}

/** `just now`, `40 s ago`, `2 min ago`, `3 h ago`, `5 days ago`; `in 2 min` for a time ahead of the clock. */
export function timeAgo(ms: number, now: number): string {
  const diff = now - ms;
  const s = Math.round(Math.abs(diff) / 1000);
  if (s < 5) return 'just now';
  const amount = s < 60 ? `${s} s` : s < 3600 ? `${Math.round(s / 60)} min` : s < 48 * 3600 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} days`;
  return diff >= 0 ? `${amount} ago` : `in ${amount}`;
}

/** An ISO 8601 UTC time as checkpoints write it (`2026-12-07T21:14:48.000Z`, `2026-12-07T20:13:36Z`). */
const ISO_UTC = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\b/g;

/**
 * `text` with each ISO UTC time written as `localTime` writes it — except inside a quoted log
 * excerpt (from `Excerpt:` on), which stays the log's own text. For the human outputs; JSON keeps ISO.
 */
export function readableTimes(text: string, clock: Clock = {}, relative = true): string {
  const cut = text.indexOf('Excerpt: ');
  const head = cut === -1 ? text : text.slice(0, cut);
  const tail = cut === -1 ? '' : text.slice(cut);
  return head.replace(ISO_UTC, (iso) => localTime(iso, clock, relative)) + tail;
}

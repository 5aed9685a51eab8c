// The one place text is made safe for a terminal, a CI log, an output channel or the clipboard.
// Every write point calls one of the functions at the bottom (the CLI through src/cli/output.ts,
// the editor through src/editor/safe-output.ts); each redacts secrets (src/util/redact.ts) and
// shows control characters visibly instead of letting them act. An ESC from a pod's log or a
// manifest would otherwise clear the screen, retitle the window or forge an OSC 8 hyperlink; a
// carriage return would overwrite the line before it; a newline inside a name would start a line
// of its own (a fake finding, a fake `::error::` workflow command).
//
// `\x1b` and friends are written as JavaScript-style escapes, so what was there stays readable.
// Tabs are kept (they are layout, not control); newlines are kept only where the caller says the
// text is multi-line (`keepNewlines`), and then a CR before them is dropped as Windows line ends.
//
// The tool's own colours survive because they are not escape sequences until the very end:
// `paint` wraps text in markers carrying a random key made when the process starts, and only
// `terminalText` turns those markers into SGR codes — after neutralising everything between them.
// Text from outside cannot forge a marker (it cannot know the key), so the only escape sequences
// that reach a terminal are the colours the tool chose.
//
// CI logs: GitHub Actions runs `::command::` at the start of a line (after spaces) and the legacy
// `##[command]` anywhere in a line; Azure Pipelines runs `##vso[command]` anywhere. All are escaped
// in everything written (`\::`, `##\[`, `##vso\[`; in JSON, `\u005b`, which parses back to the
// same string), so only the tool could emit a CI command — and it emits none.

import { randomBytes } from 'node:crypto';
import { redact, redactJson } from './redact';

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `s` with every control character (C0 but tab, DEL, C1, and the Unicode line/paragraph
 * separators and bidirectional marks and overrides that reorder what a reader sees) shown as an
 * escape. Without `keepNewlines`, `\n` is escaped too, so the result is exactly one line.
 */
export function neutralise(s: string, opts: { keepNewlines?: boolean } = {}): string {
  const text = opts.keepNewlines ? s.replace(/\r\n/g, '\n') : s;
  const out = text.replace(CONTROL, escape);
  return opts.keepNewlines ? out : out.replace(/\n/g, '\\n');
}

// ---- the tool's own colours ---------------------------------------------------------------------

export type Style = 'red' | 'yellow' | 'green' | 'blue' | 'gray' | 'bold' | 'dim';
const SGR: Record<Style, number> = { red: 31, yellow: 33, green: 32, blue: 34, gray: 90, bold: 1, dim: 2 };

/** Made once per process (shared by the separately bundled halves, like redact.ts's known secrets). */
const KEY = ((globalThis as Record<symbol, unknown>)[Symbol.for('wi-doctor.paint-key')] ??= randomBytes(12).toString('hex')) as string;
const OPEN = '\uE000';
const CLOSE = '\uE001';
/** A marker: the key, then the SGR parameter. `split` with this capturing regex alternates text and parameters. */
const MARK = new RegExp(`${OPEN}${KEY}(\\d+)${CLOSE}`);
const MARKS = new RegExp(MARK.source, 'g');

/** `text` in a colour, when it reaches a terminal through `terminalText` (elsewhere the colour is dropped). */
export function paint(style: Style, text: string): string {
  return `${OPEN}${KEY}${SGR[style]}${CLOSE}${text}${OPEN}${KEY}0${CLOSE}`;
}

// ---- the write points ------------------------------------------------------------------------------

/**
 * No line may hold a CI command: GitHub Actions' `::` first on a line (spaces and the tool's
 * colours before it do not count) and `##[` anywhere, Azure Pipelines' `##vso[` anywhere.
 */
function ciSafe(s: string): string {
  return s.replace(/^((?:[^\S\n]|\u001b\[\d+m)*)::/gm, '$1\\::').replace(/##(vso)?\[/gi, '##$1\\[');
}

/**
 * Text for a terminal or a CI log (the CLI's stdout and stderr in text formats): secrets
 * redacted, control characters neutralised (newlines kept), no workflow command, and the tool's
 * `paint` markers turned into colours — the only escape sequences in the result.
 */
export function terminalText(chunk: string): string {
  const parts = chunk.split(MARK);
  let out = '';
  for (let i = 0; i < parts.length; i++) out += i % 2 === 1 ? `\u001b[${parts[i]}m` : neutralise(redact(parts[i]!), { keepNewlines: true });
  return ciSafe(out);
}

const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A JSON document for a terminal or a CI log: every string redacted (as values, so the document
 * stays valid), and what JSON.stringify leaves raw — DEL, C1 controls, line separators, bidi
 * overrides, a `##[` — written as `\uXXXX` escapes, which parse back to the same strings.
 */
export function terminalJson(json: string): string {
  const value = JSON.parse(json) as unknown;
  const text = JSON.stringify(redactJson(value), null, 2)
    .replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/##(vso)?\[/gi, '##$1\\u005b');
  return json.endsWith('\n') ? `${text}\n` : text;
}

/**
 * Text for a plain-text surface that is not a terminal (an editor output channel, the
 * clipboard): secrets redacted, control characters shown, colour markers dropped.
 */
export function plainText(text: string): string {
  return neutralise(redact(text.replace(MARKS, '')), { keepNewlines: true });
}

/**
 * Text for a notification or a dialog: redacted, control characters shown, and no link. VS Code
 * turns `[label](https:…)`, `(command:…)` or `(file:…)` in a notification's message into a link
 * the user can click; a message quoting a server or a log must not carry one. A zero-width space
 * between `]` and `(` leaves the text as it reads and keeps it from being a link.
 */
export function notificationText(text: string): string {
  return plainText(text).replace(/\]\(/g, ']\u200b(');
}

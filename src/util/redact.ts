// The one place secrets are taken out of text before anyone sees it. Everything the CLI writes,
// everything the editor puts in an output channel, the clipboard or the report view passes
// through `redact` (src/util/terminal.ts and src/editor/safe-output.ts are the write points).
//
// It works on structure, not on a few secret shapes:
//   - key/value pairs whose key names a secret, in every notation logs and configs use: JSON and
//     dict literals (`"clientSecret": "…"`, escaped quotes inside included, and JSON that is itself
//     escaped inside a string: `{\"password\":\"…\"}`), `key=value` (env, logfmt, query strings,
//     connection strings' `AccountKey=…;`), `key: value` (YAML, headers: `Authorization: Bearer …`
//     keeps its scheme), command-line flags (`--client-secret …`), and Kubernetes' env entries
//     (`{"name": "AZURE_CLIENT_SECRET", "value": "…"}`, `- name: …\n  value: …`). The key stays,
//     so the line still says what was there: `client_secret: "[redacted]"`.
//   - URL credentials: `https://user:pass@host` → `https://user:[redacted]@host`.
//   - secrets without a key: JWTs, bearer tokens, Entra client secrets (`…8Q~…`), PEM private keys
//     (and their base64), Azure storage account keys.
//   - values known to be secret because the tool read them as credentials (`rememberSecret`: the
//     kubeconfig's token and key, the environment's AZURE_CLIENT_SECRET, a proxy's password).
//
// Secret key names are matched on a normal form (lowercase, no `_`, `-`, `.`): `client_secret`,
// `clientSecret`, `AZURE_CLIENT_SECRET` and `client-secret` are one key. A name that ends in a
// secret word (`…secret`, `…password`, `…apikey`, `…accountkey`, `…token` after another word) is
// secret; a name that merely contains one is not: `tokenPath`, `AZURE_FEDERATED_TOKEN_FILE`,
// `secretName`, `passwordFile` hold paths and references, which are worth seeing. The bare words
// `token`, `secret`, `auth`, `sig`, `pwd` and `pass` are secret keys only in forms that cannot be
// prose (`token=…`, `"token": …`, `--token …`): "token: issuer … subject …" is a sentence.
// Booleans, null and placeholders (`$(VAR)`, `${VAR}`, `<value>`, `{{ … }}`) are left as they are.

/** What a redacted value becomes. */
export const REDACTED = '[redacted]';
/** What a JWT becomes (no key is needed to recognise one). */
export const TOKEN_REDACTED = '[token redacted]';

const STRONG_SUFFIXES = [
  'password', 'passwd', 'passphrase', 'secret', 'secretkey', 'apikey', 'accesskey', 'accountkey', 'sharedaccesskey', 'privatekey', 'keydata',
  'token', 'clientassertion', 'connectionstring', 'connstr', 'sharedaccesssignature', 'sastoken', 'subscriptionkey', 'masterkey', 'primarykey',
  'secondarykey', 'signingkey', 'encryptionkey', 'authorization', 'cookie',
];
/** Words that are secret keys on their own only outside prose (`token=…`, not "token: …"). */
const WEAK_EXACT = new Set(['token', 'secret', 'auth', 'sig', 'signature', 'pwd', 'pass', 'assertion', 'credentials']);
/** Endings of names that hold no secret though they end in a secret word: a boolean, a volume, a paging cursor. */
const NOT_SECRET_SUFFIXES = ['serviceaccounttoken', 'continuationtoken', 'continuetoken', 'pagetoken', 'nexttoken'];

export function normaliseKey(name: string): string {
  return name.toLowerCase().replace(/[-_.\s]/g, '');
}

/**
 * Whether a key (an env variable's name, a JSON property, a header) names a secret value.
 * `strict`: also in prose-like forms (`key: value`), where only unambiguous names count.
 */
export function isSecretKey(name: string, opts: { strict?: boolean } = {}): boolean {
  const k = normaliseKey(name);
  if (!k || NOT_SECRET_SUFFIXES.some((s) => k.endsWith(s))) return false;
  if (WEAK_EXACT.has(k)) return !opts.strict;
  return STRONG_SUFFIXES.some((s) => k.endsWith(s));
}

// ---- values the tool knows to be secret ------------------------------------------------------

/**
 * One set per process, not per bundle: dist/kube.js (which reads the kubeconfig and remembers its
 * credentials) is bundled apart from dist/cli.js and dist/extension.js (which write), so the set
 * lives on globalThis under a registered symbol that every copy of this module finds.
 */
const known: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('wi-doctor.known-secrets')] ??= new Set<string>()) as Set<string>;

/**
 * Remembers a credential the tool itself read (a kubeconfig token, a client secret from the
 * environment): wherever it turns up later, in whatever sentence, it is redacted. Values shorter
 * than 8 characters are not remembered (they would blank out ordinary words).
 */
export function rememberSecret(value: string | undefined | null): void {
  if (typeof value !== 'string') return;
  const v = value.trim();
  if (v.length < 8 || v === REDACTED) return;
  known.add(v);
  const b64 = Buffer.from(v, 'utf8').toString('base64');
  if (b64 !== v) known.add(b64);
}

/** Remembers the values of the variables whose names name a secret (AZURE_CLIENT_SECRET, GITHUB_TOKEN, …). */
export function rememberSecretEnv(env: Readonly<Record<string, string | undefined>>): void {
  for (const [name, value] of Object.entries(env)) if (value && isSecretKey(name, { strict: true })) rememberSecret(value);
}

// ---- the shapes --------------------------------------------------------------------------------

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
/** Entra ID client secrets: three characters, a digit, `Q~`, then 31–34 more (shorter prefixes seen in the wild too). */
const ENTRA_SECRET = /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{2,8}\dQ~[A-Za-z0-9_~.-]{20,}/g;
const PEM_KEY = /(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
/** base64 of "-----BEGIN …" (kubeconfig client-key-data, a Secret's data). */
const PEM_BASE64 = /LS0tLS1CRUdJTi[A-Za-z0-9+/=]{24,}/g;
/** Azure storage account keys: 64 random bytes in base64. */
const STORAGE_KEY = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])/g;
/** `Bearer <credential>` without a key in front (a curl line, an exception message). */
const BEARER = /\b(bearer)(\s+)(?=[A-Za-z0-9\-._~+/]*[0-9._~+/-])([A-Za-z0-9\-._~+/]{12,}=*)/gi;
/** `scheme://userinfo@`: greedy to the last `@` of the authority, so a password with an `@` goes whole. The scheme is bounded (a long word is not tried at each of its letters). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s/?#"'<>`\\]+)@/gi;

/**
 * A key followed by its separator. Groups: 1 flag dashes + 2 flag name; 3 quote + 4 quoted key;
 * 5 bare key, then 6 an `=`-like separator or 7 a `:` (a prose-like form: unambiguous names only).
 * The value is read by hand after the match (quotes, escapes).
 */
const KEY =
  /(?<![\w.\-/\\])(?:(--)([A-Za-z][\w.-]*)(?:=|[ \t]+)(?=[^\s-])|(\\?["'])([A-Za-z_][\w .-]{0,80}?)\3[ \t]*(?:=>|:=|[:=])[ \t]*|([A-Za-z_][\w.-]*)(?:([ \t]*(?:=>|:=)[ \t]*|=|[ \t]+=[ \t]+)|(:[ \t]*)))/g;

/** Kubernetes' env entry: `name: X` then `value: …` (JSON, flow or block YAML). */
const ENV_ENTRY = /(\\?["']?)name\1[ \t]*[:=][ \t]*(\\?["']?)([A-Za-z_][\w.-]*)\2[ \t]*,?\s*(?:-[ \t]*)?(\\?["']?)value\4[ \t]*[:=][ \t]*/g;

const AUTH_SCHEME = /^(Bearer|Basic|Digest|Negotiate|NTLM|SharedKey|SharedKeyLite|SharedAccessSignature|Token|token|bearer|basic)([ \t]+)/;
/** `$(VAR)`, `${VAR}`, `{{ .Values.x }}`, `<your-secret>`: a reference to a value, not one. */
const PLACEHOLDER_START = /^(?:\$[({]|\{\{|<)/;
const UNQUOTED_END = /[\s"'`,;&)}\]<>\\]/;
const NOT_A_SECRET_VALUE = /^(?:true|false|null|nil|none|undefined|yes|no|~|\*+|\[redacted\]|\[token redacted\]|\$\(.*\)|\$\{.*\}|\$[A-Z_][A-Z0-9_]*|<[^>]*>|\{\{.*\}\}|%[A-Z_]+%)$/i;

/** What every shape needs somewhere: a separator, a URL's `@`, a flag's or a PEM's dashes, a JWT's start, an Entra secret's `Q~`, `==`, "bearer". */
const MAYBE = /[=:@]|--|eyJ|Q~|LS0tLS1CRUdJTi|bearer/i;

interface Span {
  start: number;
  end: number;
}

/** The extent of a quoted value starting at `at` (its opening quote), content only; an unclosed one runs to the end of the line. */
function quoted(text: string, at: number, quote: string): Span {
  if (quote.length === 2) {
    // `\"…\"`: JSON escaped inside a string. Decode the outer escapes, follow the inner string.
    let i = at + 2;
    let innerEscape = false;
    while (i < text.length) {
      let c = text[i]!;
      let width = 1;
      if (c === '\\' && i + 1 < text.length) {
        c = text[i + 1]!;
        width = 2;
      } else if (c === '"' || c === '\n') return { start: at + 2, end: i }; // the outer string ends first
      if (width === 2 && c === '"' && !innerEscape) return { start: at + 2, end: i };
      innerEscape = !innerEscape && c === '\\' && width === 2;
      i += width;
    }
    return { start: at + 2, end: text.length };
  }
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === quote || c === '\n') return { start: at + 1, end: i };
  }
  // Not closed (a truncated line): everything to the end is the value.
  return { start: at + 1, end: text.length };
}

/** Where the value after a separator is, or undefined when there is no value to redact. */
function valueAt(text: string, at: number, keyQuote: string, authorization: boolean): Span | undefined {
  const rest = text.slice(at, at + 2);
  const q = keyQuote.length === 2 && rest === '\\"' ? '\\"' : rest[0] === '"' || rest[0] === "'" ? rest[0] : '';
  if (q) {
    const span = quoted(text, at, q);
    const inner = text.slice(span.start, span.end);
    if (authorization) {
      const scheme = AUTH_SCHEME.exec(inner);
      if (scheme) return { start: span.start + scheme[0].length, end: span.end };
    }
    return NOT_A_SECRET_VALUE.test(inner.trim()) || !inner ? undefined : span;
  }
  if (rest[0] === '{' || rest[0] === '[' || rest[0] === undefined) return undefined;
  let start = at;
  if (authorization) {
    const scheme = AUTH_SCHEME.exec(text.slice(at, at + 40));
    if (scheme) start = at + scheme[0].length;
  }
  if (text.startsWith(REDACTED, start) || text.startsWith(TOKEN_REDACTED, start) || PLACEHOLDER_START.test(text.slice(start, start + 2))) return undefined;
  let end = start;
  while (end < text.length && !UNQUOTED_END.test(text[end]!)) end++;
  const v = text.slice(start, end);
  if (!v || NOT_A_SECRET_VALUE.test(v)) return undefined;
  return { start, end };
}

function replaceSpans(text: string, spans: Span[]): string {
  if (!spans.length) return text;
  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let last = 0;
  for (const s of spans) {
    if (s.start < last) continue;
    out += text.slice(last, s.start) + REDACTED;
    last = s.end;
  }
  return out + text.slice(last);
}

function keyValues(text: string): string {
  const spans: Span[] = [];
  for (const m of text.matchAll(KEY)) {
    const end = m.index + m[0].length;
    let name: string;
    let strict: boolean;
    if (m[2] !== undefined) {
      name = m[2];
      strict = false;
    } else if (m[4] !== undefined) {
      name = m[4];
      strict = false;
    } else {
      name = m[5]!;
      strict = m[7] !== undefined; // `key: value` reads like prose: only unambiguous names
    }
    if (!isSecretKey(name, { strict })) continue;
    const v = valueAt(text, end, m[3] ?? '', /authorization$/.test(normaliseKey(name)));
    if (v) spans.push(v);
  }
  for (const m of text.matchAll(ENV_ENTRY)) {
    if (!isSecretKey(m[3]!)) continue;
    const v = valueAt(text, m.index + m[0].length, m[1] || m[4] || '', false);
    if (v) spans.push(v);
  }
  return replaceSpans(text, spans);
}

function userinfo(_m: string, scheme: string, info: string): string {
  const colon = info.indexOf(':');
  if (colon >= 0) return `${scheme}${info.slice(0, colon)}:${REDACTED}@`;
  // A user name alone (`ssh://git@host`) is no secret; a token standing in for one is.
  return /^[a-z_][a-z0-9_-]{0,31}$/i.test(info) && !/\d.*\d.*\d/.test(info) ? `${scheme}${info}@` : `${scheme}${REDACTED}@`;
}

/** `text` with every secret it holds replaced by a marker (see the top of this file). Idempotent. */
export function redact(text: string): string {
  if (!text) return text;
  let out = text;
  for (const v of known) if (out.includes(v)) out = out.split(v).join(REDACTED);
  // Every shape below needs one of these: most strings (a rule id, a path, a plain sentence) have none.
  if (!MAYBE.test(out)) return out;
  out = out.replace(PEM_KEY, (_m, begin: string, end: string) => `${begin}${REDACTED}${end}`);
  out = out.replace(JWT, TOKEN_REDACTED);
  out = out.replace(PEM_BASE64, REDACTED).replace(STORAGE_KEY, REDACTED).replace(ENTRA_SECRET, REDACTED);
  out = out.replace(URL_USERINFO, userinfo);
  out = keyValues(out);
  out = out.replace(BEARER, (_m, word: string, space: string) => `${word}${space}${REDACTED}`);
  return out;
}

/**
 * A JSON value with every string redacted, and every string under a secret key (or the `value`
 * of an env entry whose `name` is secret) replaced whole. For JSON output: redacting the values
 * rather than the serialised text keeps the document valid and sees through its escaping.
 */
export function redactJson(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return key !== undefined && secretKeyMemo(key) && value && !NOT_A_SECRET_VALUE.test(value) ? REDACTED : redact(value);
  if (Array.isArray(value)) return value.map((v) => redactJson(v));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const envSecret = typeof o.name === 'string' && secretKeyMemo(o.name);
    const out: Record<string, unknown> = {};
    // Defined, not assigned: a `__proto__` key from JSON.parse stays a key.
    for (const k of Object.keys(o)) Object.defineProperty(out, k, { value: redactJson(o[k], envSecret && k === 'value' ? (o.name as string) : k), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** isSecretKey, remembered: a large document repeats a few keys a million times. */
const keyMemo = new Map<string, boolean>();
function secretKeyMemo(key: string): boolean {
  let r = keyMemo.get(key);
  if (r === undefined) {
    r = isSecretKey(key);
    if (keyMemo.size < 10_000) keyMemo.set(key, r);
  }
  return r;
}

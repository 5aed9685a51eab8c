// Values that stand for something filled in later or left out on purpose. A placeholder
// where a GUID belongs is never an error: at most an info that it could not be checked.
//
// Three levels, from strict to loose, because what counts depends on the field:
// - `isPlaceholder`: substitution syntax (Helm, envsubst, Kustomize replacements, CI
//   token replacement). Safe for any field, names included: no real name looks like it.
// - `isStandIn`: also text that says it is not the real thing — a masked value
//   (`xxxxxxxx`, `7d8cdf74-xxxx-…`, `ZZZZZZZZ…`: one character repeated), an instruction word
//   (`YOUR_CLIENT_ID`, `CLIENT_ID_HERE`, `REPLACE_ME`, `changeme`, `TODO`) or a note that the
//   value was taken out (`ACTUAL_CLIENT_ID (hidden for privacy)`, `<redacted>`). For values
//   (IDs, secrets), not for names: a ServiceAccount may well be called `my-app`.
// - `isPlaceholderId`: where a GUID belongs, also a GUID no identity can have (the nil
//   GUID, one digit repeated, `12345678-1234-…`) and a value that only names the field
//   (`CLIENT_ID`, `client-id`, `<…>`-less `MANAGED_IDENTITY_CLIENT_ID`).
// Spellings collected from public manifests and docs (see docs/rules/client-id-format.md).

const PATTERNS: RegExp[] = [
  /\$\{[^}]*\}/, // ${VAR}
  /\$\([^)]*\)/, // $(VAR) (Kubernetes env expansion)
  /(^|[^$\w])\$[A-Za-z_][A-Za-z0-9_]*/, // $VAR
  /<[^<>\s][^<>]*>/, // <client-id>
  /__[A-Za-z0-9_.-]*__/, // __TOKEN__ (and masked Helm expressions)
  /^__[\s\S]*__$/, // a masked Helm expression that spans lines
  /#\{[^}]*\}#?/, // #{token}# (Azure DevOps replace-tokens)
  /\{\{.*?\}\}/, // {{ .Values.x }} when not masked, {{UAMI_CLIENT_ID}}
  /^\{[A-Za-z_][A-Za-z0-9_.]*\}$/, // {client_id} (format strings; not a braced GUID)
  /%[A-Za-z_][A-Za-z0-9_]*%/, // %VAR%
  /^@[A-Za-z_][A-Za-z0-9_]*@$/, // @VAR@ (configure-style)
];

/** Substitution syntax: `${X}`, `$(X)`, `$X`, `<x>`, `__X__`, `#{x}#`, `{{ x }}`, `{x}`, `%X%`, `@X@`. */
export function isPlaceholder(value: string): boolean {
  return PATTERNS.some((p) => p.test(value));
}

/** `xxxxxxxx-xxxx-…`, `7d8cdf74-xxxx-xxxx-xxxx-274d963d358b`, `XXXXXXXX-cd79-…`, `xxx`, `****`: hex with runs of x or *. */
const MASKED = /^(?=[^]*([xX]{3,}|\*{3,}))[0-9a-fA-FxX*-]+$/;

/** Words that say "put the real value here". */
const MARKERS = new Set(['your', 'replace', 'replaceme', 'change', 'changeme', 'todo', 'tbd', 'fixme', 'placeholder', 'insert', 'here', 'redacted', 'dummy', 'fake', 'example', 'sample', 'xxx', 'enter', 'fill', 'put']);

/** `YOUR_CLIENT_ID` -> [your, client, id]; `clientId` -> [client, id]. */
function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Words that say the real value was taken out (`ACTUAL_CLIENT_ID (hidden for privacy)`, `<redacted>`): prose allowed. */
const REMOVED = new Set(['hidden', 'masked', 'redacted', 'omitted', 'removed', 'privacy', 'obfuscated', 'sanitized', 'sanitised', 'censored', 'anonymized', 'anonymised', 'elided']);

/** One character (any letter or digit, `*`, `#`) repeated, dashes aside: `ZZZZZZZZ-ZZZZ-…`, `0000`, `####`. */
const ONE_CHARACTER = /^([A-Za-z0-9*#?])\1{3,}$/;

/** Syntax, a masked value, or an instruction word (`YOUR_…`, `…_HERE`, `REPLACE_ME`, `changeme`). */
export function isStandIn(value: string): boolean {
  const v = value.trim();
  if (isPlaceholder(v) || MASKED.test(v) || ONE_CHARACTER.test(v.replace(/-/g, ''))) return true;
  if (words(v).some((w) => REMOVED.has(w))) return true;
  // One run of letters, digits and separators: prose ("see the docs") is not a stand-in.
  if (!/^[A-Za-z0-9_.:-]+$/.test(v)) return false;
  return words(v).some((w) => MARKERS.has(w));
}

/** What an ID field's value may be made of when it only names the field: `CLIENT_ID`, `managed-identity-client-id`. */
const ID_WORDS = new Set([
  'azure', 'aad', 'entra', 'ad', 'app', 'application', 'managed', 'identity', 'mi', 'msi', 'uami', 'user', 'assigned', 'workload',
  'wi', 'client', 'tenant', 'id', 'ids', 'clientid', 'tenantid', 'appid', 'guid', 'uuid', 'the', 'of', 'my', 'sp', 'service', 'principal',
]);
const NAMES_AN_ID = new Set(['id', 'clientid', 'tenantid', 'appid', 'guid', 'uuid']);

/**
 * A GUID no identity has: every group one repeated character (the nil GUID
 * `00000000-0000-0000-0000-000000000000`, `11111111-…`, `aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`),
 * zeros but for a short tail (`00000000-0000-0000-0000-000000000001`), or starting with the
 * keyboard run `12345678-`. Entra never issues these (a random GUID starts `12345678` once
 * in 4 billion), and docs use them as stand-ins.
 */
export function isDummyGuid(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (!isGuid(v)) return false;
  const groups = v.split('-');
  if (groups.every((g) => /^(.)\1*$/.test(g))) return true;
  if (/^0{8}-0{4}-0{4}-0{4}-0{8}/.test(v)) return true;
  return groups[0] === '12345678';
}

/**
 * Where an ID (a client or tenant GUID) belongs: a stand-in, a dummy GUID, or words that
 * only name the field (`CLIENT_ID`, `client-id`, `TENANT_ID`, `AZURE_CLIENT_ID`).
 */
export function isPlaceholderId(value: string): boolean {
  const v = value.trim();
  if (isStandIn(v) || isDummyGuid(v)) return true;
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(v)) return false;
  const w = words(v);
  return w.every((x) => ID_WORDS.has(x)) && w.some((x) => NAMES_AN_ID.has(x));
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

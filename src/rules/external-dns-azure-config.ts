import { MASK_IN, readJson, type JMember } from '../manifests/json-members';
import { isAlias, isScalar, type Pair, type Scalar } from 'yaml';
import { docRange, originOf, type ManifestDoc } from '../manifests/document';
import { deref, findPair, getMap, isMap, locate, nodeRange } from '../manifests/nodes';
import type { K8sObject } from '../manifests/objects';
import type { TextEdit } from '../manifests/text';
import { defineRule, named, sourceText } from './shared';
import type { Fix, Rule, Severity, Target } from './types';

// ExternalDNS's Azure providers (azure, azure-private-dns) read `azure.json`, usually mounted from
// a Secret or ConfigMap key of that name, with Go's encoding/json into this struct
// (provider/azure/config.go): key names match case-insensitively, the last duplicate wins, and a
// value of the wrong JSON type fails the whole file, so ExternalDNS exits at start-up.
// Credentials are chosen in this order (getCredentials): aadClientId + aadClientSecret (a service
// principal) when both are non-empty and neither is "msi"; else useWorkloadIdentityExtension
// (ClientID and TenantID from aadClientId / tenantId, or, when empty, from the webhook's
// AZURE_CLIENT_ID / AZURE_TENANT_ID); else useManagedIdentityExtension with
// userAssignedIdentityID. So in Workload Identity mode userAssignedIdentityID is never read
// (ExternalDNS issue 4898: its tutorial said otherwise, users got AADSTS700016).

const KEY = 'azure.json';

/** The fields of ExternalDNS's config struct, by JSON name, with their Go type. */
const FIELDS: Readonly<Record<string, 'string' | 'bool'>> = {
  cloud: 'string',
  tenantId: 'string',
  subscriptionId: 'string',
  resourceGroup: 'string',
  location: 'string',
  aadClientId: 'string',
  aadClientSecret: 'string',
  useManagedIdentityExtension: 'bool',
  useWorkloadIdentityExtension: 'bool',
  userAssignedIdentityID: 'string',
  activeDirectoryAuthorityHost: 'string',
  resourceManagerAudience: 'string',
  resourceManagerEndpoint: 'string',
};

// ---- Where a JSON offset is in the YAML file ----

/**
 * The offset in the document's text of offset `at` of a literal block scalar's value (`|`, with
 * any chomping or indentation indicator): line k of the value is line k after the header, less
 * the block's indentation. Undefined for any other scalar style, or when the lines do not line up.
 */
function blockOffset(doc: ManifestDoc, node: Scalar, at: number): number | undefined {
  const r = node.range;
  const value = node.value;
  if (node.type !== 'BLOCK_LITERAL' || !r || typeof value !== 'string') return undefined;
  const text = doc.text;
  const k = value.slice(0, at).split('\n').length - 1;
  const col = at - (value.lastIndexOf('\n', at - 1) + 1);
  const decodedLine = value.split('\n')[k];
  let pos = text.indexOf('\n', r[0]);
  if (pos === -1) return undefined;
  pos++;
  for (let j = 0; j < k; j++) {
    const nl = text.indexOf('\n', pos);
    if (nl === -1) return undefined;
    pos = nl + 1;
  }
  const nl = text.indexOf('\n', pos);
  const sourceLine = text.slice(pos, nl === -1 ? text.length : nl).replace(/\r$/, '');
  const indent = sourceLine.length - decodedLine.length;
  if (indent < 0 || !/^ *$/.test(sourceLine.slice(0, indent)) || pos + indent + col > r[1]) return undefined;
  return pos + indent + col;
}

// ---- The rule ----

interface Source {
  /** The pair `azure.json: …`. */
  readonly pair: Pair;
  /** Where a finding without an exact position points: the key, or the alias the value comes through. */
  readonly at: Target;
  /** The scalar holding the text (exact positions and fixes only for a literal block of this document). */
  readonly scalar: Scalar | undefined;
  readonly text: string;
  /** The value's source text as written (Helm expressions unmasked). */
  readonly raw: string;
  /** A Secret's `data` value that is not base64: the offset of its first character base64 cannot hold. */
  readonly notBase64?: number;
  /** For `notBase64`: the pair `data:` and the Secret's map (for the rename to stringData). */
  readonly dataPair?: Pair;
}

function sourceOf(obj: K8sObject): Source | undefined {
  const tryMap = (mapKey: string, base64: boolean): Source | undefined => {
    const entry = locate(getMap(obj.map, mapKey), KEY);
    if (!entry) return undefined;
    const written = entry.pair.value;
    const v = deref(written);
    if (!isScalar(v) || typeof v.value !== 'string') return undefined;
    const alias = entry.via ?? (isAlias(written) ? written : undefined);
    const at: Target = alias ?? entry.pair;
    const raw = sourceText(obj.doc, v);
    const plain: Source = { pair: entry.pair, at, scalar: alias ? undefined : v, text: v.value, raw };
    if (!base64) return plain;
    // Go's base64 decoder (the API server's, for []byte) skips line breaks only.
    const bad = v.value.search(/[^A-Za-z0-9+/=\r\n]/);
    if (bad !== -1) {
      // The tutorial's mistake: the JSON itself under `data:`. Anything else is not this rule's.
      return /^\s*\{/.test(v.value) && LOOKS_LIKE_AZURE.test(v.value) ? { ...plain, notBase64: bad, dataPair: locate(obj.map, mapKey)?.pair } : undefined;
    }
    const b64 = v.value.replace(/[\r\n]+/g, '');
    if (b64.length % 4 === 1) return undefined;
    try {
      const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      return { ...plain, scalar: undefined, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      return undefined;
    }
  };
  // A Secret's stringData is merged over its data by the API server.
  if (obj.kind === 'Secret') return tryMap('stringData', false) ?? tryMap('data', true);
  return tryMap('data', false);
}

const LOOKS_LIKE_AZURE = /"(tenantId|subscriptionId|resourceGroup|aadClientId|aadClientSecret|useManagedIdentityExtension|useWorkloadIdentityExtension|userAssignedIdentityID)"/i;

/** Go's Unmarshal: the last member whose key equals `name` ignoring case. */
function member(members: readonly JMember[], name: string): JMember | undefined {
  const lower = name.toLowerCase();
  for (let i = members.length - 1; i >= 0; i--) if (members[i].key.toLowerCase() === lower) return members[i];
  return undefined;
}

type State = 'yes' | 'no' | 'unknown';

/** A string field: set (non-empty), not set, or unknown (a Helm value). */
function stringState(m: JMember | undefined, masked: boolean): State {
  if (!m || m.value.kind === 'null') return 'no';
  if (m.value.kind === 'masked') return 'unknown';
  if (m.value.kind !== 'string') return 'unknown';
  const v = m.value.value as string;
  if (v === '') return 'no';
  return masked && MASK_IN.test(v) ? 'unknown' : 'yes';
}

function boolState(m: JMember | undefined): State {
  if (!m || m.value.kind === 'null') return 'no';
  if (m.value.kind === 'bool') return m.value.value === true ? 'yes' : 'no';
  return 'unknown';
}

export const externalDnsAzureConfig: Rule = defineRule({
  meta: {
    id: 'external-dns-azure-config',
    title: "ExternalDNS azure.json that Workload Identity mode does not read as meant",
    description: 'An `azure.json` key of a ConfigMap or Secret (ExternalDNS\'s Azure DNS config) sets `useWorkloadIdentityExtension` with `userAssignedIdentityID` instead of `aadClientId` (not read in this mode), or with a service-principal secret (which wins), or holds a value of the wrong JSON type, which stops ExternalDNS at start-up.',
    defaultSeverity: 'error',
    kinds: ['ConfigMap', 'Secret'],
    fact: '**ExternalDNS, Azure DNS** (docs: tutorials/azure): `azure.json` `useWorkloadIdentityExtension: true`, [...] the client-ID override is `aadClientId` (`userAssignedIdentityID` is NOT used in this mode: users got AADSTS700016, upstream issue 4898). Precedence: service-principal secret, then Workload Identity, then managed identity.',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const src = sourceOf(obj);
    if (!src) return;
    const host = (src.scalar && originOf(src.scalar)) || ctx.doc;
    if (src.notBase64 !== undefined) {
      // `data:` -> `stringData:` is certain when azure.json is all it holds and stringData is not written.
      const data = src.dataPair;
      const alone = data && isMap(data.value) && data.value.items.length === 1 && !findPair(obj.map, 'stringData') && obj.map.items.includes(data as never);
      const keyRange = alone ? nodeRange(data.key) : undefined;
      ctx.report({
        at: src.at,
        message: `The ${KEY} under data in ${named(obj)} is plain JSON, but a Secret's data values must be base64: the API server rejects the Secret ("illegal base64 data at input byte ${src.notBase64}"); put it under stringData, which takes plain text.`,
        fixes: keyRange ? [{ title: 'Rename data to stringData', safe: true, edits: [{ file: ctx.doc.file, range: docRange(ctx.doc, keyRange[0], keyRange[1]), newText: 'stringData' }] }] : [],
      });
    }
    // In a Helm template a `__…__` mask is a value not known before install; and where
    // `{{ if }}` / `{{ range }}` choose the lines, keys written together may never render together.
    const masked = host.templated;
    const branches = masked && /\{\{-?\s*(if|else|with|range)\b/.test(src.raw);
    const parsed = readJson(src.text);
    if (!parsed.ok) {
      if (masked || !LOOKS_LIKE_AZURE.test(src.text)) return;
      const line = src.text.slice(0, parsed.at).split('\n').length;
      ctx.report({
        at: src.at,
        severity: 'info',
        message: `The ${KEY} in ${named(obj)} could not be read as JSON (line ${line} of the value: ${parsed.error}); ExternalDNS reads it with Go's encoding/json and, when it does not parse, exits with "failed to parse Azure config file".`,
      });
      return;
    }
    const members = parsed.members;
    if (!members) return;

    /** Where a finding about [start, end) of the JSON text points: exact in a literal block, else at the key. */
    const exact = (start: number, end: number): { range: ReturnType<typeof docRange> } | undefined => {
      if (!src.scalar) return undefined;
      const s = blockOffset(host, src.scalar, start);
      const e = blockOffset(host, src.scalar, end);
      return s !== undefined && e !== undefined && e > s ? { range: docRange(host, s, e) } : undefined;
    };
    const edit = (start: number, end: number, newText: string): TextEdit[] => {
      const r = exact(start, end);
      return r ? [{ file: host.file, range: r.range, newText }] : [];
    };
    const report = (at: Target | undefined, message: string, severity?: Severity, fixes: Fix[] = []) =>
      ctx.report({ at: at ?? src.at, message, ...(severity ? { severity } : {}), fixes: at ? fixes : [] });

    // A value of the wrong type fails json.Unmarshal, and with it ExternalDNS's start-up.
    let broken = false;
    for (const m of members) {
      const name = Object.keys(FIELDS).find((f) => f.toLowerCase() === m.key.toLowerCase());
      if (!name || m.value.kind === 'null' || m.value.kind === 'masked') continue;
      const want = FIELDS[name];
      const got = m.value.kind === 'bool' ? 'bool' : m.value.kind;
      if (got === want) continue;
      broken = true;
      const at = exact(m.value.start, m.value.end);
      const fixes: Fix[] = [];
      const v = m.value.value;
      if (want === 'bool' && typeof v === 'string' && (v === 'true' || v === 'false')) {
        const edits = edit(m.value.start, m.value.end, v);
        if (edits.length) fixes.push({ title: `Write ${v} without quotes`, safe: true, edits });
      }
      report(
        at,
        `"${m.key}" in the ${KEY} of ${named(obj)} is a JSON ${got === 'bool' ? 'boolean' : got}, not a ${want === 'bool' ? 'boolean' : 'string'}: ExternalDNS cannot load the file and exits at start-up ("failed to parse Azure config file …: json: cannot unmarshal ${got} into Go struct field config.${name} of type ${want}").`,
        undefined,
        fixes,
      );
    }
    if (broken || branches) return;

    const wi = member(members, 'useWorkloadIdentityExtension');
    if (boolState(wi) !== 'yes') return;
    const clientId = member(members, 'aadClientId');
    const secret = member(members, 'aadClientSecret');
    const msi = (m: JMember | undefined) => typeof m?.value.value === 'string' && m.value.value.toLowerCase() === 'msi';
    const idState = msi(clientId) ? 'no' : stringState(clientId, masked);
    const secretState = msi(secret) ? 'no' : stringState(secret, masked);

    if (secretState === 'yes' && idState === 'yes') {
      report(
        exact(secret!.keyStart, secret!.keyEnd),
        `The ${KEY} of ${named(obj)} sets useWorkloadIdentityExtension, but also aadClientId with aadClientSecret, and ExternalDNS tries the service principal first: it authenticates with the client secret and never uses Workload Identity. Remove aadClientSecret (aadClientId then names the identity to federate).`,
        'warning',
      );
      return;
    }
    if (idState !== 'no') return;
    const uai = member(members, 'userAssignedIdentityID');
    if (stringState(uai, masked) !== 'yes') return;
    const fixes: Fix[] = [];
    if (!clientId) {
      const edits = edit(uai!.keyStart, uai!.keyEnd, '"aadClientId"');
      if (edits.length) fixes.push({ title: 'Rename userAssignedIdentityID to aadClientId', safe: true, edits });
    }
    report(
      exact(uai!.keyStart, uai!.keyEnd),
      `The ${KEY} of ${named(obj)} sets useWorkloadIdentityExtension with userAssignedIdentityID, which ExternalDNS reads only for a managed identity: in Workload Identity mode the client ID comes from aadClientId, else from the pod's AZURE_CLIENT_ID (its ServiceAccount's client-id annotation), so without that it fails ("no client ID specified") and with another identity's ID Entra answers AADSTS700016 (ExternalDNS issue 4898). Use aadClientId.`,
      // A warning: it breaks only when the ServiceAccount's annotation gives no (or another) client ID, which this file cannot show.
      'warning',
      fixes,
    );
  },
});


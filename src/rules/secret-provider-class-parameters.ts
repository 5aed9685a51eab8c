import { isMap, isScalar, isSeq } from 'yaml';
import { quote, replaceKey, replaceNode } from '../manifests/edits';
import { keyState } from '../manifests/helm';
import { entries, findPair, getNode, keyOf, type Entry, type Pair, type YAMLMap } from '../manifests/nodes';
import type { K8sObject } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import { defineRule, named, objectTarget, sourceText } from './shared';
import type { Fix, Rule, Target } from './types';

// The Secrets Store CSI driver hands a SecretProviderClass's `spec.parameters` to the
// provider as a Go map[string]string; the Azure provider (pkg/provider/types/parameters.go)
// reads each key with an exact lookup, so `keyVaultName` or `clientId` is simply never read.
// The CRD types `parameters` as a map of strings: a YAML number, boolean, map or list there
// makes the API server reject the object.

/** The API group of the Secrets Store CSI driver's objects. */
const SPC_GROUP = 'secrets-store.csi.x-k8s.io/';

/** The parameters the Azure provider reads (pkg/provider/types/types.go), exact spelling. */
export const AZURE_PARAMETERS = ['keyvaultName', 'tenantID', 'clientID', 'objects', 'usePodIdentity', 'useVMManagedIdentity', 'useAzureTokenProxy', 'userAssignedIdentityID', 'cloudName', 'cloudEnvFileName'] as const;

/** The identity-mode flags; their values are secret-provider-class-identity-mode's business. */
export const MODE_FLAGS = ['usePodIdentity', 'useVMManagedIdentity', 'useAzureTokenProxy'] as const;

/** The deprecated spelling the provider still reads when `tenantID` is empty or absent. */
const TENANT_ID_OLD = 'tenantId';

/** What follows when the provider does not read a parameter (it gets "" for it). */
const UNREAD: Record<string, string> = {
  keyvaultName: 'so the volume mount fails with "keyvaultName is not provided"',
  tenantID: 'so the volume mount fails with "tenantId is not provided"',
  objects: 'so the volume mount fails with "objects is not set"',
  clientID: "so Workload Identity is not used: with no identity-mode flag the provider looks for a service principal in the volume's nodePublishSecretRef instead",
  usePodIdentity: 'so the flag is read as false',
  useVMManagedIdentity: 'so the flag is read as false',
  useAzureTokenProxy: 'so the flag is read as false',
  userAssignedIdentityID: 'so in VM managed identity mode the provider asks for a token without naming a user-assigned identity',
  cloudName: 'so the provider uses its default cloud',
  cloudEnvFileName: 'so the custom cloud environment file is not read',
};

/** The parameters the provider cannot do without, with the error the mount fails with. */
const REQUIRED = [
  { key: 'keyvaultName', keys: ['keyvaultName'], error: 'keyvaultName is not provided' },
  { key: 'tenantID', keys: ['tenantID', TENANT_ID_OLD], error: 'tenantId is not provided' },
  { key: 'objects', keys: ['objects'], error: 'objects is not set' },
] as const;

/** The SecretProviderClass's parameters map when the object is one for the Azure provider; undefined otherwise (say nothing). */
export function azureParameters(obj: K8sObject): { params: YAMLMap | undefined } | undefined {
  if (!obj.apiVersion.startsWith(SPC_GROUP)) return undefined;
  const provider = getNode(obj.map, 'spec', 'provider');
  if (!isScalar(provider) || provider.value !== 'azure') return undefined;
  const params = getNode(obj.map, 'spec', 'parameters');
  // Anything but a map (or no parameters at all) is the schema's business, or Helm text the linter cannot read.
  if (params !== undefined && !isMap(params)) return undefined;
  return { params };
}

/** Where a finding about a parameter's key points: the key, or the `*alias` through which a merged pair arrives. */
export function keyTarget(e: Entry): Target {
  return e.via ?? e.pair;
}

/** A string value the provider reads as "" once trimmed (an empty or null value). */
export function isBlank(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  return isScalar(v) && (v.value === null || (typeof v.value === 'string' && v.value.trim() === ''));
}

function yamlType(v: unknown): string | undefined {
  if (isMap(v)) return 'mapping';
  if (isSeq(v)) return 'list';
  if (!isScalar(v) || v.value === null || typeof v.value === 'string') return undefined;
  return typeof v.value === 'boolean' ? 'boolean' : typeof v.value === 'number' || typeof v.value === 'bigint' ? 'number' : 'non-string value';
}

/** A pair whose key is the given one exactly (merged pairs included). */
function exact(list: readonly Entry[], key: string): Entry | undefined {
  return list.find((e) => keyOf(e.pair) === key);
}

export const secretProviderClassParameters: Rule = defineRule({
  meta: {
    id: 'secret-provider-class-parameters',
    title: 'SecretProviderClass parameters the Azure provider cannot read',
    description: 'A SecretProviderClass for the Azure provider misspells the case of a parameter key (`keyVaultName`, `clientId`), which the provider then never reads, uses the deprecated `tenantId`, lacks `keyvaultName`, a tenant ID or `objects`, or gives a parameter a value that is not a string.',
    defaultSeverity: 'error',
    kinds: ['SecretProviderClass'],
    fact: '`SecretProviderClass` `parameters.clientID` selects Workload Identity mode and is required there; `keyvaultName` and `tenantID` are required (`tenantId` still read, deprecated); parameter keys are case-sensitive.',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const spc = azureParameters(obj);
    if (!spc) return;
    const params = spc.params;
    const doc = ctx.doc;
    const list = entries(params);
    const who = named(obj);
    /** The provider's keys written only in another case. */
    const variantOf = new Set<string>();

    for (const e of list) {
      const key = keyOf(e.pair);
      if (key === undefined || isPlaceholder(key)) continue;
      if (key === TENANT_ID_OLD) {
        reportTenantIdOld(e);
        continue;
      }
      const canonical = AZURE_PARAMETERS.find((p) => p.toLowerCase() === key.toLowerCase());
      if (!canonical || canonical === key) continue;
      variantOf.add(canonical);
      reportVariant(e, key, canonical);
    }
    for (const e of list) {
      const key = keyOf(e.pair);
      if (key === undefined || (MODE_FLAGS as readonly string[]).includes(key)) continue;
      reportType(e, key);
    }
    if (!obj.context?.partial) for (const r of REQUIRED) reportMissing(r);

    function reportTenantIdOld(e: Entry): void {
      const current = exact(list, 'tenantID');
      if (current && !isBlank(current.pair.value)) {
        ctx.report({
          at: keyTarget(e),
          severity: 'warning',
          message: `The parameter "tenantId" of ${who} is ignored: "tenantID" is also set, and the Azure provider reads it first; remove the deprecated "tenantId".`,
        });
        return;
      }
      ctx.report({
        at: keyTarget(e),
        severity: 'warning',
        message: `The parameter "tenantId" of ${who} is the deprecated spelling: the Azure provider still reads it when "tenantID" is absent or empty, but it is due to be removed; rename it to "tenantID".`,
        fixes: current ? [] : [{ title: 'Rename the key to tenantID', safe: true, edits: replaceKey(doc, e.pair as Pair, 'tenantID') }],
      });
    }

    function reportVariant(e: Entry, key: string, canonical: string): void {
      const also = exact(list, canonical);
      if (also) {
        ctx.report({
          at: keyTarget(e),
          message: `The parameter key "${key}" of ${who} is never read: the Azure provider's keys are case-sensitive, and it reads "${canonical}", which is also set; remove "${key}".`,
        });
        return;
      }
      // Two tenant spellings already: which value the author means is not certain.
      const tenantTaken = canonical === 'tenantID' && exact(list, TENANT_ID_OLD) !== undefined;
      const consequence = canonical === 'tenantID' && tenantTaken ? 'so the deprecated "tenantId" is read instead' : UNREAD[canonical];
      const fix: Fix = { title: `Rename the key to ${canonical}`, safe: !tenantTaken, edits: replaceKey(doc, e.pair as Pair, canonical) };
      ctx.report({
        at: keyTarget(e),
        message: `The parameter key "${key}" of ${who} is never read: the Azure provider's keys are case-sensitive, and it reads "${canonical}", ${consequence}.`,
        fixes: [fix],
      });
    }

    function reportType(e: Entry, key: string): void {
      const v = e.pair.value;
      const type = yamlType(v);
      if (!type) return;
      const collection = type === 'mapping' || type === 'list';
      const at: Target = e.via ?? (v as Target);
      const advice = collection ? (key === 'objects' ? 'write it as a string: a block scalar (objects: |) holding the array' : 'write it as a string') : 'quote it';
      ctx.report({
        at,
        message: `The value of parameter "${key}" of ${who} is a YAML ${type}, but SecretProviderClass parameters are a map of strings, so the API server rejects the object; ${advice}.`,
        fixes: collection ? [] : [{ title: `Quote the value of ${key}`, safe: true, edits: replaceNode(doc, v, quote(doc, sourceText(doc, v).trim())) }],
      });
    }

    function reportMissing(r: (typeof REQUIRED)[number]): void {
      const written = r.keys.map((k) => exact(list, k)).filter((e): e is Entry => e !== undefined);
      // A non-blank value (a placeholder included), or one of a wrong type (reported above), will do.
      if (written.some((e) => !isBlank(e.pair.value))) return;
      // A case-variant of the key is reported above, with this consequence.
      if (variantOf.has(r.key)) return;
      if (written.length) {
        const e = written[0];
        ctx.report({
          at: keyTarget(e),
          message: `The parameter "${keyOf(e.pair)}" of ${who} is empty, so the Azure provider fails the volume mount with "${r.error}".`,
        });
        return;
      }
      if (r.keys.some((k) => keyState(obj, ['spec', 'parameters'], k).state !== 'absent')) return;
      const parametersKey = findPair(getNode(obj.map, 'spec'), 'parameters');
      const which = r.key === 'tenantID' ? 'no "tenantID" (nor the deprecated "tenantId")' : `no "${r.key}"`;
      ctx.report({
        at: parametersKey ?? objectTarget(obj),
        message: `${who} has ${which} in its parameters, so the Azure provider fails the volume mount with "${r.error}".`,
      });
    }
  },
});

import { isMap, isScalar, type Pair, type YAMLMap } from 'yaml';
import { docRange, type ManifestDoc } from '../manifests/document';
import { removePair } from '../manifests/edits';
import { aliasOn, deref, findPair, getMap, getNode, isAlias, isSeq, nodeRange } from '../manifests/nodes';
import type { K8sObject } from '../manifests/objects';
import type { TextEdit } from '../manifests/text';
import { defineRule, named, sourceText } from './shared';
import type { Fix, Rule } from './types';

// cert-manager's ACME DNS-01 solver for Azure DNS (pkg/apis/acme/v1 ACMEIssuerDNS01ProviderAzureDNS)
// authenticates one of two ways: a service principal (top-level clientID, clientSecretSecretRef
// and tenantID, all three), or, without a top-level clientID, "ambient" credentials: Workload
// Identity when the controller pod has AZURE_FEDERATED_TOKEN_FILE (managedIdentity.clientID and
// tenantID override the webhook's env; resourceID is not read), else a managed identity (MSI).
// Its validating webhook (internal/apis/certmanager/validation/issuer.go) rejects the mixes:
// the messages below quote it. The namespaced Issuer's ambient-credentials flag is another rule's.

/** A field as cert-manager's Go struct sees it: set (non-empty), not set, or not knowable (a Helm value). */
type State = 'yes' | 'no' | 'unknown';

interface Field {
  readonly pair: Pair | undefined;
  readonly state: State;
}

/**
 * Whether a Helm action alone on a line among the map's lines (up to the first line indented
 * less than its keys) could add or hide keys: then a key not written is not known to be absent.
 */
function mayHideKeys(doc: ManifestDoc, map: YAMLMap): boolean {
  const r = nodeRange(map);
  if (!doc.templated || !r) return false;
  const text = doc.text;
  const first = text.lastIndexOf('\n', r[0] - 1) + 1;
  const col = r[0] - first;
  for (let pos = first; pos < text.length; ) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    const line = pos === first ? ' '.repeat(col) + text.slice(r[0], end) : text.slice(pos, end);
    const indent = line.search(/\S/);
    if (pos > first && indent >= 0 && indent < col) break;
    if (/^[ \t-]*\{\{/.test(line)) return true;
    pos = end + 1;
  }
  return false;
}

/** A string field (`omitempty`: empty counts as absent) or a struct pointer (`null` is absent). */
function field(doc: ManifestDoc, map: YAMLMap, key: string, hidden: boolean): Field {
  const pair = findPair(map, key);
  if (!pair) return { pair, state: hidden ? 'unknown' : 'no' };
  const v = deref(pair.value);
  if (v == null) return { pair, state: 'no' };
  if (isScalar(v)) {
    if (v.value === null || v.value === '') return { pair, state: 'no' };
    // A Helm expression may render empty.
    if (sourceText(doc, v).includes('{{')) return { pair, state: 'unknown' };
  }
  return { pair, state: 'yes' };
}

function words(keys: readonly string[]): string {
  return keys.length <= 1 ? keys.join('') : `${keys.slice(0, -1).join(', ')} and ${keys[keys.length - 1]}`;
}

/**
 * `clientID` (and `tenantID`) moved from the top level of azureDNS into a new `managedIdentity`
 * map: the pair `clientID` is replaced in place, `tenantID` removed. Undefined when an edit
 * would be unsure (a flow map, keys arriving through a merge key).
 */
function moveUnderManagedIdentity(doc: ManifestDoc, azure: YAMLMap, clientId: Pair, tenantId: Pair | undefined): TextEdit[] | undefined {
  if (azure.flow || !azure.items.includes(clientId as never) || (tenantId && !azure.items.includes(tenantId as never))) return undefined;
  const k = nodeRange(clientId.key);
  const v = nodeRange(clientId.value);
  const t = tenantId && nodeRange(tenantId.value);
  if (!k || !v || (tenantId && !t)) return undefined;
  const text = doc.text;
  const col = k[0] - (text.lastIndexOf('\n', k[0] - 1) + 1);
  if (!/^[ \t]*$/.test(text.slice(k[0] - col, k[0]))) return undefined;
  const indent = ' '.repeat(col + 2);
  let body = `managedIdentity:\n${indent}clientID: ${text.slice(v[0], v[1])}`;
  if (tenantId && t) body += `\n${indent}tenantID: ${text.slice(t[0], t[1])}`;
  const edits: TextEdit[] = [{ file: doc.file, range: docRange(doc, k[0], v[1]), newText: body }];
  return tenantId ? edits.concat(removePair(doc, azure, tenantId)) : edits;
}

type Reporter = (r: { at: Pair; message: string; severity?: 'error' | 'warning' | 'info'; fixes?: Fix[] }) => void;

function checkAzureDns(obj: K8sObject, azure: YAMLMap, path: string, report: Reporter): void {
  const doc = obj.doc;
  // A Kustomize patch whose target is not in the workspace: a key it does not write may be the base's.
  const hidden = obj.context?.partial === true || mayHideKeys(doc, azure);
  const who = named(obj);
  const clientId = field(doc, azure, 'clientID', hidden);
  const secret = field(doc, azure, 'clientSecretSecretRef', hidden);
  const tenantId = field(doc, azure, 'tenantID', hidden);
  const managed = field(doc, azure, 'managedIdentity', hidden);
  const sp = [['clientID', clientId], ['clientSecretSecretRef', secret], ['tenantID', tenantId]] as const;
  const set = sp.filter(([, f]) => f.state === 'yes');

  if (set.length > 0) {
    const missing = sp.filter(([, f]) => f.state === 'no').map(([k]) => k);
    const first = set[0];
    if (managed.state === 'yes') {
      // One mistake, one finding: the service-principal keys beside managedIdentity (the webhook gives
      // two answers for it — Forbidden on managedIdentity, Required on the incomplete trio — and the
      // way out is to drop the top-level keys, never managedIdentity, which Workload Identity needs).
      const required = missing.length ? `, and "${path}.${missing[0]}: Required value"` : '';
      const fixes: Fix[] = [];
      // Incomplete service-principal fields beside managedIdentity: Workload Identity was meant.
      if (missing.length && !azure.flow && set.every(([, f]) => azure.items.includes(f.pair as never))) {
        fixes.push({ title: `Remove the top-level ${words(set.map(([k]) => k))} (keep managedIdentity)`, safe: false, edits: set.flatMap(([, f]) => removePair(doc, azure, f.pair!)) });
      }
      report({
        at: first[1].pair!,
        message: `azureDNS sets ${words(set.map(([k]) => k))} at its top level, the service-principal fields, next to managedIdentity: cert-manager's webhook rejects ${who} ("${path}.managedIdentity: Forbidden: managed identity cannot be used at the same time as clientID, clientSecretSecretRef or tenantID"${required}). For Workload Identity keep managedIdentity (its clientID, and tenantID if needed) and remove the top-level ${set.length === 1 ? 'key' : 'keys'}; for a client secret, remove managedIdentity${missing.length ? ` and add ${words(missing)}` : ''}.`,
        fixes,
      });
      return;
    }
    if (missing.length > 0) {
      const fixes: Fix[] = [];
      if (clientId.state === 'yes' && secret.state === 'no' && managed.state === 'no' && !managed.pair) {
        const edits = moveUnderManagedIdentity(doc, azure, clientId.pair!, tenantId.state === 'yes' ? tenantId.pair : undefined);
        if (edits) fixes.push({ title: `Move ${tenantId.state === 'yes' ? 'clientID and tenantID' : 'clientID'} under managedIdentity (Workload Identity)`, safe: false, edits });
      }
      report({
        at: first[1].pair!,
        message: `azureDNS sets ${words(set.map(([k]) => k))} at its top level, the service-principal fields, without ${words(missing)}: cert-manager's webhook rejects ${who} ("${path}.${missing[0]}: Required value"). For Workload Identity, put the identity's client ID (and tenant ID) under managedIdentity instead.`,
        fixes,
      });
    }
    return;
  }
  if (clientId.state !== 'no' || secret.state !== 'no' || tenantId.state !== 'no') return;

  const mi = getMap(azure, 'managedIdentity');
  if (!mi) return;
  const miHidden = hidden || mayHideKeys(doc, mi);
  const miClient = field(doc, mi, 'clientID', miHidden);
  const miResource = field(doc, mi, 'resourceID', miHidden);
  const miTenant = field(doc, mi, 'tenantID', miHidden);
  if (miResource.state === 'yes' && (miClient.state === 'yes' || miTenant.state === 'yes')) {
    const webhook = [
      ...(miClient.state === 'yes' ? ['managedIdentityClientID and managedIdentityResourceID cannot both be specified'] : []),
      ...(miTenant.state === 'yes' ? ['managedIdentityTenantID and managedIdentityResourceID cannot both be specified'] : []),
    ];
    const with_ = words([...(miClient.state === 'yes' ? ['clientID'] : []), ...(miTenant.state === 'yes' ? ['tenantID'] : [])]);
    const fixes: Fix[] = [];
    if (miClient.state === 'yes' && mi.items.includes(miResource.pair as never)) {
      fixes.push({ title: 'Remove managedIdentity.resourceID (keep clientID)', safe: false, edits: removePair(doc, mi, miResource.pair!) });
    }
    report({
      at: miResource.pair!,
      message: `managedIdentity sets resourceID together with ${with_}: cert-manager's webhook rejects ${who} (${webhook.map((m) => `"${path}.managedIdentity: Forbidden: ${m}"`).join(', ')}). With Workload Identity cert-manager never reads resourceID: ${miClient.state === 'yes' ? 'keep clientID' : 'name the identity with clientID instead'}.`,
      fixes,
    });
  } else if (miResource.state === 'yes' && miClient.state === 'no' && miTenant.state === 'no') {
    report({
      at: miResource.pair!,
      severity: 'info',
      message: `managedIdentity.resourceID is read only for a managed identity (MSI): when cert-manager's pod uses Workload Identity (AZURE_FEDERATED_TOKEN_FILE is set) it ignores resourceID and authenticates as the client ID of its ServiceAccount's annotation; to choose the identity, set managedIdentity.clientID instead.`,
    });
  }
  if (miTenant.state === 'yes' && miClient.state === 'no') {
    report({
      at: miTenant.pair!,
      message: `managedIdentity sets tenantID without clientID: cert-manager's webhook rejects ${who} ("${path}.managedIdentity: Required value: managedIdentityClientID is required when using managedIdentityTenantID").`,
    });
  }
}

export const certManagerAzureDns: Rule = defineRule({
  meta: {
    id: 'cert-manager-azure-dns',
    title: 'cert-manager Azure DNS solver mixes its credential kinds',
    description: 'An ACME Issuer or ClusterIssuer `dns01.azureDNS` solver sets a top-level `clientID` (a service principal) without `clientSecretSecretRef`, mixes service-principal fields with `managedIdentity`, or sets `managedIdentity.resourceID` with `clientID`: cert-manager\'s webhook rejects each, and Workload Identity never reads `resourceID`.',
    defaultSeverity: 'error',
    kinds: ['Issuer', 'ClusterIssuer'],
    fact: '**cert-manager** (docs: configuration/acme/dns01/azuredns), 1.11+: `azureDNS.managedIdentity.clientID` (or `resourceID`, not both; `resourceID` is ignored in Workload Identity mode); a top-level `azureDNS.clientID` means a service principal.',
    fixable: 'suggestion',
  },
  check(obj, ctx) {
    if (!obj.apiVersion.startsWith('cert-manager.io/')) return;
    const solvers = deref(getNode(obj.map, 'spec', 'acme', 'solvers'));
    if (!isSeq(solvers)) return;
    const shared = aliasOn(obj.map, 'spec', 'acme', 'solvers');
    solvers.items.forEach((item, i) => {
      const azure = getNode(item, 'dns01', 'azureDNS');
      if (!isMap(azure)) return;
      // Solvers that come through an alias (`solvers: *common`, `- *solver`) are reported at
      // the alias written in this issuer, without fixes: the anchor's other users share its text.
      const via = shared ?? (isAlias(item) ? item : aliasOn(item, 'dns01', 'azureDNS'));
      checkAzureDns(obj, azure, `spec.acme.solvers[${i}].dns01.azureDNS`, (r) => ctx.report(via ? { ...r, at: via, fixes: [] } : r));
    });
  },
});

import { isMap, isScalar, type Pair, type YAMLMap } from 'yaml';
import { builtBy, clientIdState, otherProject, reliableName, rendered } from '../manifests/cross-file';
import { insertPair, removePair, replaceNode } from '../manifests/edits';
import { keyState } from '../manifests/helm';
import { aliasedAnchors, aliasOn, findPair, getMap, getNode, locate, stringValue } from '../manifests/nodes';
import { shownText, type K8sObject } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import { CLIENT_ID, TENANT_ID } from '../manifests/workload-identity';
import { defineRule, objectTarget, restyle, shownValue } from './shared';
import type { Fix, RelatedLocation, Rule, RuleContext, Target } from './types';

// External Secrets Operator's Azure Key Vault provider (external-secrets/external-secrets):
// - apis/externalsecrets/v1{,beta1}/secretstore_azurekv_types.go: `authType` has the enum
//   ServicePrincipal;ManagedIdentity;WorkloadIdentity and defaults to ServicePrincipal;
//   `useAzureSDK` (v1 only) switches to the azcore-based SDK.
// - providers/v1/azure/keyvault/keyvault.go (the legacy SDK, the default) and
//   keyvault_new_sdk.go (useAzureSDK: true): what each auth type reads, and the errors below.
// - runtime/esutils/utils.go ValidateReferentServiceAccountSelector: a SecretStore's
//   serviceAccountRef.namespace must be empty or its own; a ClusterSecretStore's may be
//   empty ("referent authentication": the ExternalSecret's namespace, unknown here).

const GROUP = 'external-secrets.io/';
const AUTH_TYPES = ['ServicePrincipal', 'ManagedIdentity', 'WorkloadIdentity'] as const;
const KV_PATH = ['spec', 'provider', 'azurekv'];

// ESO's own error strings (providers/v1/azure/keyvault/keyvault.go).
const ERR_MISSING_TENANT = 'missing tenantID in store config';
const ERR_MISSING_SECRET_REF = 'missing secretRef in provider config';
const ERR_MISSING_CLIENT_ID_SECRET = 'missing accessKeyID/secretAccessKey in store config';
const ERR_MISSING_CLIENT = `missing clientID: either serviceAccountRef or service account annotation '${CLIENT_ID}' is missing`;
const ERR_MULTIPLE_CLIENT_ID = 'multiple clientID found. Check secretRef and serviceAccountRef';
const ERR_MULTIPLE_TENANT_ID = "multiple tenantID found. Check secretRef, 'spec.provider.azurekv.tenantId', and serviceAccountRef";
const ERR_NAMESPACE = 'namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore';

/** A pair that is written with a value (`key:` alone is null, which the API server prunes). */
function setPair(map: unknown, key: string): Pair | undefined {
  const p = findPair(map, key);
  if (!p) return undefined;
  const v = p.value;
  return v == null || (isScalar(v) && v.value === null) ? undefined : p;
}

/** Where a finding about a pair points: the `*alias` it arrives through, else its key. */
function pairTarget(map: unknown, key: string): Target | undefined {
  const e = locate(map, key);
  return e ? (e.via ?? e.pair) : undefined;
}

/** Where a finding about a value points: the alias, else the scalar, else its pair's key. */
function valueTarget(map: unknown, key: string): Target | undefined {
  const e = locate(map, key);
  if (!e) return undefined;
  const v = e.pair.value;
  return e.via ?? (isScalar(v) && v.range && v.range[0] < v.range[1] ? v : e.pair);
}

export const externalSecretsAzureAuth: Rule = defineRule({
  meta: {
    id: 'external-secrets-azure-auth',
    title: 'External Secrets Azure Key Vault store authenticates another way than meant',
    description: 'An External Secrets SecretStore or ClusterSecretStore for Azure Key Vault has an `authType` that ignores its `serviceAccountRef`, uses the old managed identity, or is unknown; or, with `WorkloadIdentity`, its ServiceAccount gives ESO no client ID, or a client or tenant ID twice.',
    defaultSeverity: 'error',
    kinds: ['SecretStore', 'ClusterSecretStore'],
    fact: '`SecretStore` / `ClusterSecretStore` `spec.provider.azurekv.authType` defaults to ServicePrincipal; `ManagedIdentity` means the old pod/node identity; `WorkloadIdentity` uses the token of `serviceAccountRef` (which needs a client-id annotation OR `authSecretRef.clientId` — not both), or, without `serviceAccountRef`, the operator\'s own pod (which then needs the label). A ClusterSecretStore `serviceAccountRef` without a namespace is valid ("referent authentication": looked up in each ExternalSecret\'s namespace).',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const api = obj.apiVersion;
    if (!isPlaceholder(api) && api !== `${GROUP}v1` && api !== `${GROUP}v1beta1`) return;
    const kv = getMap(obj.map, ...KV_PATH);
    if (!kv) return;
    const who = `${obj.kind} ${obj.name ?? '(unnamed)'}${builtBy(obj)}`;
    // The provider map (or a part of it) shared through an alias: findings point at the alias written in this object.
    const via = aliasOn(obj.map, ...KV_PATH);
    // No fix edits a provider map that other objects share through an anchor (an insertion
    // at the start of its first line falls outside the anchored node's range, so the check
    // of defineRule does not see it).
    const kvRange = kv.range;
    const shared = via !== undefined || (!!kvRange && aliasedAnchors(obj.doc).some((n) => !!n.range && n.range[0] <= kvRange[0] && kvRange[1] <= n.range[1]));
    const report: RuleContext['report'] = (r) => ctx.report({ ...r, at: via ?? r.at, fixes: shared ? [] : r.fixes });
    // A key a chart may add from its values: what the store does cannot be known.
    const unknown = (path: string[], key: string) => obj.doc.templated && !findPair(getNode(obj.map, ...path), key) && keyState(obj, path, key).state === 'unknown';

    // authType: one of the enum, else the API server rejects the store.
    const authPair = setPair(kv, 'authType');
    let mode: (typeof AUTH_TYPES)[number];
    if (authPair) {
      const v = authPair.value;
      const value = stringValue(v);
      if (value !== undefined && isPlaceholder(value)) return;
      const at = valueTarget(kv, 'authType')!;
      if (value === undefined || !(AUTH_TYPES as readonly string[]).includes(value)) {
        const exact = value === undefined ? undefined : AUTH_TYPES.find((t) => t.toLowerCase() === value.trim().toLowerCase());
        const shown = shownValue(ctx.doc, v);
        report({
          at,
          message: `${shown === 'empty' || value?.trim() === '' ? 'authType is empty' : `authType ${shown} is not one ESO knows`}, so the API server rejects ${who} (the CRD allows only ${AUTH_TYPES.join(', ')}; the values are case-sensitive).`,
          fixes: exact && isScalar(v) && v.range ? [{ title: `Write ${exact}`, safe: true, edits: replaceNode(ctx.doc, v, restyle(ctx.doc, v, exact, /^[A-Za-z]+$/)) }] : [],
        });
        return;
      }
      mode = value as (typeof AUTH_TYPES)[number];
    } else {
      if (unknown(KV_PATH, 'authType')) return;
      mode = 'ServicePrincipal';
    }

    const saRefPair = setPair(kv, 'serviceAccountRef');
    const authSecretPair = setPair(kv, 'authSecretRef');
    const authSecret = authSecretPair && isMap(authSecretPair.value) ? authSecretPair.value : getMap(kv, 'authSecretRef');
    const replaceAuthType = (safe: boolean): Fix[] => {
      const v = authPair?.value;
      return isScalar(v) && v.range ? [{ title: 'Use WorkloadIdentity', safe, edits: replaceNode(ctx.doc, v, restyle(ctx.doc, v, 'WorkloadIdentity', /^[A-Za-z]+$/)) }] : [];
    };

    if (mode === 'ManagedIdentity') {
      report({
        at: valueTarget(kv, 'authType')!,
        severity: 'warning',
        message: `authType ManagedIdentity makes ESO authenticate ${who} with a managed identity of its own pod, from the instance metadata endpoint (aad-pod-identity, deprecated, or the node's identity), not with Workload Identity${saRefPair ? '; serviceAccountRef is ignored' : ''}. With Workload Identity use authType: WorkloadIdentity.`,
        fixes: replaceAuthType(false),
      });
      return;
    }

    if (mode === 'ServicePrincipal') {
      if (!saRefPair) return;
      const secretPath = [...KV_PATH, 'authSecretRef'];
      if (unknown(KV_PATH, 'authSecretRef') || unknown(KV_PATH, 'tenantId')) return;
      if (authSecret && ['clientId', 'clientSecret', 'clientCertificate'].some((k) => unknown(secretPath, k))) return;
      const credential = !!authSecret && (!!setPair(authSecret, 'clientSecret') || !!setPair(authSecret, 'clientCertificate'));
      const at = pairTarget(kv, 'serviceAccountRef')!;
      if (credential) {
        // A client secret or certificate: the author means a service principal, and the ServiceAccount is dead weight.
        report({
          at,
          severity: 'warning',
          message: `${authPair ? `With authType ServicePrincipal, ${who}` : `${who} has no authType, so it`} authenticates with the service principal's credential from authSecretRef, and ESO ignores serviceAccountRef. To use the ServiceAccount's token, set authType: WorkloadIdentity and drop the credential.`,
        });
        return;
      }
      const err = !setPair(kv, 'tenantId') ? ERR_MISSING_TENANT : !authSecretPair ? ERR_MISSING_SECRET_REF : ERR_MISSING_CLIENT_ID_SECRET;
      const add = insertPair(ctx.doc, kv, 'authType', 'WorkloadIdentity', { atStart: true });
      report({
        at,
        message: `${authPair ? `authType ServicePrincipal of ${who}` : `${who} has no authType, so ESO uses the default ServicePrincipal, which`} ignores serviceAccountRef and fails with "${err}"; set authType: WorkloadIdentity to authenticate with the ServiceAccount's token.`,
        fixes: authPair ? replaceAuthType(false) : add.length ? [{ title: 'Add authType: WorkloadIdentity', safe: true, edits: add }] : [],
      });
      return;
    }

    // WorkloadIdentity. Without serviceAccountRef ESO uses its own pod's token: the controller's business, not this rule's.
    if (!saRefPair) return;
    // useAzureSDK (v1 only; v1beta1 has no such field, so the API server prunes it) picks what ESO reads.
    const sdk = getNode(kv, 'useAzureSDK');
    if (api !== `${GROUP}v1beta1` && ((isScalar(sdk) && typeof sdk.value === 'string' && isPlaceholder(sdk.value)) || unknown(KV_PATH, 'useAzureSDK'))) return;
    const newSdk = api === `${GROUP}v1` && isScalar(sdk) && sdk.value === true;
    const secretPath = [...KV_PATH, 'authSecretRef'];
    if (unknown(KV_PATH, 'authSecretRef') || (authSecret && unknown(secretPath, 'clientId'))) return;
    const clientIdSecret = authSecret ? setPair(authSecret, 'clientId') : undefined;

    // The legacy SDK reads authSecretRef for the client ID once it is there, and insists on it.
    if (!newSdk && authSecretPair && !clientIdSecret) {
      report({
        at: pairTarget(kv, 'authSecretRef')!,
        message: `With authType WorkloadIdentity and serviceAccountRef, ESO reads authSecretRef of ${who} for the client ID, and an authSecretRef without clientId fails with "${ERR_MISSING_CLIENT_ID_SECRET}"; remove authSecretRef (a tenantId can go in spec.provider.azurekv.tenantId) or add clientId.`,
      });
      return;
    }

    const saRef = getMap(kv, 'serviceAccountRef');
    const nameNode = getNode(saRef, 'name');
    const rawName = stringValue(nameNode);
    if (!rawName) return;
    const name = shownText(ctx.doc, rawName);
    const nsPair = setPair(saRef, 'namespace');
    const refNs = nsPair ? stringValue(nsPair.value) : undefined;
    let ns: string;
    if (obj.kind === 'SecretStore') {
      if (refNs !== undefined && refNs !== obj.namespace && obj.namespaceExplicit && !isPlaceholder(refNs) && !isPlaceholder(obj.namespace)) {
        report({ at: valueTarget(saRef, 'namespace')!, message: `serviceAccountRef.namespace ${refNs} is not the namespace of ${who} (${obj.namespace}), so ESO rejects it: "${ERR_NAMESPACE}".` });
        return;
      }
      ns = obj.namespace;
    } else {
      // Referent authentication: the ServiceAccount of each ExternalSecret's namespace.
      if (refNs === undefined || nsPair === undefined) return;
      ns = shownText(ctx.doc, refNs);
    }

    let sas = ctx.index.serviceAccounts(name, ns);
    let foreign = false;
    if (sas.length === 0 && !name.includes('{{')) {
      sas = ctx.index.serviceAccountsAnywhere(name, ns);
      foreign = sas.length > 0;
    }
    if (sas.length === 0) return;
    const certain = !foreign && reliableName(obj, name) && rendered(obj);
    const severity = (s?: 'warning') => (certain ? s : 'info');
    const saLabel = (sa: K8sObject) => `ServiceAccount ${name}${foreign ? `, ${otherProject(sa)}` : ''}`;
    const annotation = (sa: K8sObject, key: string) => findPair(getMap(sa.map, 'metadata', 'annotations'), key);
    const related = (key: string, what: string): RelatedLocation[] => sas.map((sa) => ({ file: sa.doc.file, range: ctx.rangeOf(annotation(sa, key) ?? objectTarget(sa), sa.doc), message: `${saLabel(sa)}, ${what}` }));
    const nameTarget: Target = (isScalar(nameNode) && nameNode.range ? nameNode : pairTarget(saRef, 'name'))!;
    const states = sas.map(clientIdState);
    const sa0 = `ServiceAccount ${name} (namespace ${ns}${foreign ? `, ${otherProject(sas[0])}` : ''})`;

    // The client ID: the annotation, or (legacy SDK only) authSecretRef.clientId — exactly one of them.
    if (states.every((s) => s.state === 'absent') && (newSdk || !clientIdSecret)) {
      report({
        at: nameTarget,
        severity: severity(),
        message: `${sa0} has no ${CLIENT_ID} annotation${newSdk && clientIdSecret ? `, and with useAzureSDK: true ESO reads the client ID only from it (authSecretRef.clientId is ignored)` : ` and ${who} sets no authSecretRef.clientId`}, so ESO fails with "${ERR_MISSING_CLIENT}".`,
        related: related(CLIENT_ID, `without ${CLIENT_ID}`),
      });
      return;
    }
    if (clientIdSecret && sas.every((sa, i) => annotation(sa, CLIENT_ID) && states[i].state !== 'unknown')) {
      const at = pairTarget(authSecret, 'clientId')!;
      if (newSdk) {
        if (states.some((s) => s.state === 'present')) {
          report({
            at,
            severity: severity('warning'),
            message: `With useAzureSDK: true ESO reads the client ID only from the ${CLIENT_ID} annotation of ${sa0}: authSecretRef.clientId of ${who} is ignored.`,
            related: related(CLIENT_ID, `its ${CLIENT_ID} annotation`),
            fixes: [{ title: 'Remove authSecretRef.clientId', safe: false, edits: removeClientId(ctx, kv, authSecret!, clientIdSecret) }],
          });
        }
      } else {
        // Only authSecretRef.clientId there: removing authSecretRef leaves the annotation (a longer
        // authSecretRef without clientId would fail on its own, so then there is no fix).
        const only = authSecret!.items.length === 1 && findPair(kv, 'authSecretRef') !== undefined;
        report({
          at,
          severity: severity(),
          message: `${who} sets authSecretRef.clientId and ${sa0} has an ${CLIENT_ID} annotation, so ESO fails with "${ERR_MULTIPLE_CLIENT_ID}"; keep only one of them.`,
          related: related(CLIENT_ID, `its ${CLIENT_ID} annotation`),
          fixes: only ? [{ title: "Remove authSecretRef (the ServiceAccount's client-id annotation gives the client ID)", safe: false, edits: removePair(ctx.doc, kv, findPair(kv, 'authSecretRef') as Pair) }] : [],
        });
      }
      return;
    }

    // The tenant ID.
    if (states.some((s) => s.state === 'unknown')) return;
    const storeTenant = setPair(kv, 'tenantId');
    const secretTenant = authSecret ? setPair(authSecret, 'tenantId') : undefined;
    if (!newSdk) {
      const sources = [storeTenant && stringValue(storeTenant.value) !== '' ? { map: kv, pair: storeTenant, path: 'spec.provider.azurekv.tenantId' } : undefined, secretTenant ? { map: authSecret!, pair: secretTenant, path: 'authSecretRef.tenantId' } : undefined].filter((s) => s !== undefined);
      if (sources.length && sas.every((sa) => annotation(sa, TENANT_ID))) {
        const first = sources[0];
        const fixes: Fix[] = [];
        if (sources.length === 1) {
          // Removing an authSecretRef's only key removes authSecretRef (an empty one would fail).
          const edits = first.map === kv ? removePair(ctx.doc, kv, first.pair) : removePair(ctx.doc, first.map, first.pair, { map: kv, pair: findPair(kv, 'authSecretRef') as Pair });
          fixes.push({ title: `Remove ${first.path} (the ServiceAccount's tenant-id annotation gives the tenant)`, safe: false, edits });
        }
        report({
          at: first.map === kv ? pairTarget(kv, 'tenantId')! : pairTarget(authSecret, 'tenantId')!,
          severity: severity(),
          message: `${who} sets ${sources.map((s) => s.path).join(' and ')} and ${sa0} has an ${TENANT_ID} annotation, so ESO fails with "${ERR_MULTIPLE_TENANT_ID}"; keep only one of them.`,
          related: related(TENANT_ID, `its ${TENANT_ID} annotation`),
          fixes,
        });
      }
      return;
    }
    if (!storeTenant && sas.every((sa) => keyState(sa, ['metadata', 'annotations'], TENANT_ID).state === 'absent')) {
      report({
        at: nameTarget,
        severity: severity(),
        message: `${sa0} has no ${TENANT_ID} annotation and ${who} sets no spec.provider.azurekv.tenantId${secretTenant ? ' (with useAzureSDK: true authSecretRef.tenantId is ignored)' : ''}, so ESO fails with "${ERR_MISSING_TENANT}".`,
        related: related(TENANT_ID, `without ${TENANT_ID}`),
      });
    }
  },
});

/** Edits removing authSecretRef.clientId, and authSecretRef with it when that was its only key. */
function removeClientId(ctx: RuleContext, kv: YAMLMap, authSecret: YAMLMap, pair: Pair): ReturnType<typeof removePair> {
  const parent = findPair(kv, 'authSecretRef') as Pair | undefined;
  return removePair(ctx.doc, authSecret, pair, parent ? { map: kv, pair: parent } : undefined);
}

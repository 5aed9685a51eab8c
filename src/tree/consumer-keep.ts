// What the sidebar keeps of a consumer object (src/cluster/resources.ts consumerTypes: the
// SecretProviderClasses, KEDA TriggerAuthentications, External Secrets stores and cert-manager
// issuers, and their cluster-wide kinds): the parts describeConsumer (src/consumers) reads and
// the Ready condition its state shows, nothing else — a SecretProviderClass's `objects` list, an
// issuer's HTTP-01 solvers and private key reference, a store's other providers are dropped as
// each object is parsed. The kind and apiVersion come from the type listed: list items of a
// custom resource carry them, but a cache must not depend on it.

import { consumerTypes } from '../cluster/resources';
import type { KubeObject, ResourceType } from '../cluster/types';
import { flat } from '../util/flat';

type Rec = Record<string, unknown>;

/** The API groups of the consumer kinds: an object of one of them is kept by keepConsumer. */
export const CONSUMER_GROUPS: ReadonlySet<string> = new Set(Object.values(consumerTypes).flatMap((types) => types.map((t) => t.group)));

/** The Dapr component metadata whose values the identity graph reads (src/consumers/dapr.ts). */
const DAPR_VALUES = ['azureClientId', 'azureTenantId', 'vaultName'];

const SPC_PARAMETERS = ['usePodIdentity', 'useVMManagedIdentity', 'clientID', 'useAzureTokenProxy', 'tenantID', 'tenantId', 'keyvaultName'];

function rec(v: unknown): Rec | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : undefined;
}

function pick(from: Rec | undefined, keys: readonly string[]): Rec {
  const out: Rec = {};
  if (from) for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

function keepSpec(kind: string, spec: Rec): Rec {
  switch (kind) {
    case 'SecretProviderClass':
      return { ...pick(spec, ['provider']), parameters: pick(rec(spec.parameters), SPC_PARAMETERS) };
    case 'TriggerAuthentication':
    case 'ClusterTriggerAuthentication': {
      const kv = rec(spec.azureKeyVault);
      return { ...pick(spec, ['podIdentity']), ...(kv ? { azureKeyVault: pick(kv, ['vaultUri', 'podIdentity']) } : {}) };
    }
    case 'SecretStore':
    case 'ClusterSecretStore': {
      const azurekv = rec(rec(spec.provider)?.azurekv);
      return azurekv ? { provider: { azurekv } } : {};
    }
    case 'Issuer':
    case 'ClusterIssuer': {
      const solvers = rec(spec.acme)?.solvers;
      if (!Array.isArray(solvers)) return {};
      // Each solver keeps its place (the uses name `spec.acme.solvers[i]`), only its azureDNS.
      return { acme: { solvers: solvers.map((s) => { const azureDNS = rec(rec(rec(s)?.dns01)?.azureDNS); return azureDNS ? { dns01: { azureDNS } } : {}; }) } };
    }
    case 'GitRepository':
    case 'OCIRepository':
    case 'HelmRepository':
    case 'Bucket':
    case 'ImageRepository':
      return pick(spec, ['provider', 'serviceAccountName']);
    case 'Component': {
      // The names of every metadata entry (which credential it uses), the values only of the IDs and the vault: never a key or a connection string.
      const metadata = Array.isArray(spec.metadata) ? spec.metadata.map(rec).filter((m): m is Rec => typeof m?.name === 'string') : [];
      return { ...pick(spec, ['type']), metadata: metadata.map((m) => (DAPR_VALUES.includes(m.name as string) ? pick(m, ['name', 'value']) : { name: m.name })) };
    }
    default:
      return spec;
  }
}

/** The Ready condition alone (ESO stores, cert-manager issuers), with its reason and message. */
function keepStatus(status: unknown): Rec | undefined {
  const conditions = rec(status)?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  const ready = conditions.map(rec).find((c) => c?.type === 'Ready');
  return ready ? { conditions: [pick(ready, ['type', 'status', 'reason', 'message'])] } : undefined;
}

export function keepConsumer(type: ResourceType, o: KubeObject): KubeObject {
  const m = o.metadata;
  const metadata: KubeObject['metadata'] = { name: m.name };
  if (m.namespace !== undefined) metadata.namespace = flat(m.namespace);
  if (m.resourceVersion !== undefined) metadata.resourceVersion = m.resourceVersion;
  const status = keepStatus(o.status);
  return {
    apiVersion: `${type.group}/${type.version}`,
    kind: type.kind,
    metadata,
    spec: keepSpec(type.kind, rec(o.spec) ?? {}),
    // A Dapr component's app IDs (top level).
    ...(Array.isArray((o as Rec).scopes) ? { scopes: ((o as Rec).scopes as unknown[]).filter((x) => typeof x === 'string') } : {}),
    ...(status ? { status } : {}),
  } as KubeObject;
}

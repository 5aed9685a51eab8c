// The Azure resources a workload evidently calls, read from endpoint URLs in its environment and
// ConfigMaps (`https://kv-prod.vault.azure.net/`, `DefaultEndpointsProtocol=...;AccountName=st1`,
// `sb-orders.servicebus.windows.net`), and what each needs on Azure's data plane: the data
// actions (not role names) that let an identity use it, and the narrowest built-in role to suggest.
// Only the host names (and a Key Vault URL's object type) are kept: never a key, a SAS token or a
// password from the same string.

import { scopeCovers, type DataNeed, type VaultObject } from './permissions';

export type Service = 'keyvault' | 'blob' | 'queue' | 'table' | 'messaging' | 'appconfig' | 'cosmos' | 'dns';

export interface UsedResource {
  /** The resource's name, e.g. kv-prod. */
  name: string;
  /** Its ARM type, lower case, e.g. microsoft.keyvault/vaults (the first candidate). */
  type: string;
  /** Every ARM type it may be (`<ns>.servicebus.windows.net` is a Service Bus or an Event Hubs namespace). */
  types: string[];
  /** Human kind for messages: "Key Vault". */
  kind: string;
  service: Service;
  /** Where it was seen, e.g. "env AZURE_KEYVAULT_URL of container api". */
  seenIn: string;
  /** Key Vault only: the object types its URLs name (`/secrets/…`); all three when a URL names none. */
  vaultObjects?: VaultObject[];
  /** The role suggested when nothing grants access (before the type is known). */
  suggest: string;
  /** Where the workload's configuration places it, when it says (a DNS zone's resource group and subscription): the resource found must be there. */
  resourceGroup?: string;
  subscriptionId?: string;
  /** Read by a KEDA scaler: what it calls decides what it needs (KEDA_NEEDS), not what the service allows. */
  kedaScaler?: KedaScaler;
  /**
   * The entity below the resource the workload uses, when its configuration names it (a KEDA
   * trigger's queue or container): role assignments at that entity's scope count too.
   */
  entity?: { readonly path: string; readonly label: string };
}

/**
 * What a KEDA Azure scaler calls (kedacore/keda pkg/scalers, docs/workload-identity-facts.md):
 * servicebus — the entity's runtime properties (Manage); queue — Get Queue Metadata
 * (queueLengthStrategy all); queue-peek — Peek Messages, then Get Queue Metadata from 32 messages
 * (visibleonly); blob — List Blobs; eventhub — the hub's and partitions' properties; checkpoint —
 * Get Blob of the Event Hubs checkpoints.
 */
export type KedaScaler = 'servicebus' | 'queue' | 'queue-peek' | 'blob' | 'eventhub' | 'checkpoint';

/** One thing a resource lets a workload do, the data actions that allow it, and the narrowest built-in role that grants them. */
export interface Capability extends DataNeed {
  suggest: string;
  /** Key Vault: the object type, for access policies. */
  vaultObject?: VaultObject;
}

export const TYPES = {
  keyVault: 'microsoft.keyvault/vaults',
  storage: 'microsoft.storage/storageaccounts',
  serviceBus: 'microsoft.servicebus/namespaces',
  eventHubs: 'microsoft.eventhub/namespaces',
  appConfig: 'microsoft.appconfiguration/configurationstores',
  cosmos: 'microsoft.documentdb/databaseaccounts',
  dnsZone: 'microsoft.network/dnszones',
  privateDnsZone: 'microsoft.network/privatednszones',
} as const;

const KV = 'Microsoft.KeyVault/vaults';
const BLOBS = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';
const MESSAGES = 'Microsoft.Storage/storageAccounts/queueServices/queues/messages';
const ENTITIES = 'Microsoft.Storage/storageAccounts/tableServices/tables/entities';

// The data actions per operation are those of Microsoft's "Permissions for calling data
// operations" (storage) and the services' own RBAC pages; the suggested roles are the narrowest
// built-in roles whose DataActions include them.
const VAULT: Record<VaultObject, Capability> = {
  secrets: { id: 'secrets', label: 'read secrets', anyOf: [[`${KV}/secrets/getSecret/action`]], suggest: 'Key Vault Secrets User', vaultObject: 'secrets' },
  keys: { id: 'keys', label: 'read keys', anyOf: [[`${KV}/keys/read`]], suggest: 'Key Vault Crypto User', vaultObject: 'keys' },
  certificates: { id: 'certificates', label: 'read certificates', anyOf: [[`${KV}/certificates/read`]], suggest: 'Key Vault Certificate User', vaultObject: 'certificates' },
};

// A DNS-01 solver writes (and deletes) the _acme-challenge TXT record set: management-plane
// operations on the zone (Actions, not DataActions). DNS Zone Contributor grants
// Microsoft.Network/dnsZones/*; its private-zone counterpart Microsoft.Network/privateDnsZones/*.
const DNS: Record<string, Capability[]> = {
  [TYPES.dnsZone]: [{ id: 'txt', label: 'write TXT records', anyOf: [['Microsoft.Network/dnsZones/TXT/write']], plane: 'control', suggest: 'DNS Zone Contributor' }],
  [TYPES.privateDnsZone]: [{ id: 'txt', label: 'write TXT records', anyOf: [['Microsoft.Network/privateDnsZones/TXT/write']], plane: 'control', suggest: 'Private DNS Zone Contributor' }],
};

const CAPABILITIES: Record<Exclude<Service, 'keyvault' | 'messaging' | 'cosmos' | 'dns'>, Capability[]> = {
  blob: [
    { id: 'read', label: 'read blobs', anyOf: [[`${BLOBS}/read`]], suggest: 'Storage Blob Data Reader' },
    // Put Blob: write, or add/action to create a new blob only.
    { id: 'write', label: 'write blobs', anyOf: [[`${BLOBS}/write`], [`${BLOBS}/add/action`]], suggest: 'Storage Blob Data Contributor' },
  ],
  queue: [
    // Peek needs read; Get Messages needs process/action (or delete and read).
    { id: 'read', label: 'receive messages', anyOf: [[`${MESSAGES}/process/action`], [`${MESSAGES}/read`, `${MESSAGES}/delete`], [`${MESSAGES}/read`]], suggest: 'Storage Queue Data Message Processor' },
    { id: 'write', label: 'send messages', anyOf: [[`${MESSAGES}/add/action`], [`${MESSAGES}/write`]], suggest: 'Storage Queue Data Message Sender' },
  ],
  table: [
    { id: 'read', label: 'read entities', anyOf: [[`${ENTITIES}/read`]], suggest: 'Storage Table Data Reader' },
    { id: 'write', label: 'write entities', anyOf: [[`${ENTITIES}/write`], [`${ENTITIES}/add/action`]], suggest: 'Storage Table Data Contributor' },
  ],
  appconfig: [{ id: 'read', label: 'read key-values', anyOf: [['Microsoft.AppConfiguration/configurationStores/keyValues/read']], suggest: 'App Configuration Data Reader' }],
};

const MESSAGING: Record<string, Capability[]> = {
  [TYPES.serviceBus]: [
    { id: 'receive', label: 'receive', anyOf: [['Microsoft.ServiceBus/namespaces/messages/receive/action']], suggest: 'Azure Service Bus Data Receiver' },
    { id: 'send', label: 'send', anyOf: [['Microsoft.ServiceBus/namespaces/messages/send/action']], suggest: 'Azure Service Bus Data Sender' },
  ],
  [TYPES.eventHubs]: [
    { id: 'receive', label: 'receive', anyOf: [['Microsoft.EventHub/namespaces/messages/receive/action']], suggest: 'Azure Event Hubs Data Receiver' },
    { id: 'send', label: 'send', anyOf: [['Microsoft.EventHub/namespaces/messages/send/action']], suggest: 'Azure Event Hubs Data Sender' },
  ],
};

/**
 * KEDA's azure-servicebus scaler reads the queue's (or subscription's) runtime properties with the
 * Service Bus administration client — a Manage operation, which Azure Service Bus Data Receiver
 * and Sender do not grant; Microsoft's AKS guide for KEDA with Workload Identity assigns Azure
 * Service Bus Data Owner (docs/workload-identity-facts.md). No narrower data action is documented
 * for it: the need is every Service Bus data action, which only a `Microsoft.ServiceBus/*` grant
 * (Data Owner, or a custom role as wide) covers.
 */
const KEDA_SERVICE_BUS: Capability = { id: 'manage', label: 'read runtime properties (Manage)', anyOf: [['Microsoft.ServiceBus/*']], suggest: 'Azure Service Bus Data Owner' };

const QUEUES = 'Microsoft.Storage/storageAccounts/queueServices/queues';
/**
 * Get Queue Metadata is authorised by `…/queueServices/queues/read`, which built-in roles list in
 * Actions; "only roles explicitly defined for data access permit a security principal to access
 * queue data", so Reader's or Owner's `*` does not count (Microsoft's storage authorization pages).
 */
const QUEUE_METADATA: Capability = { id: 'metadata', label: 'read the queue length (Get Queue Metadata)', anyOf: [[`${QUEUES}/read`]], plane: 'control', dataRolesOnly: true, suggest: 'Storage Queue Data Reader' };
const QUEUE_PEEK: Capability = { id: 'peek', label: 'peek messages', anyOf: [[`${MESSAGES}/read`]], suggest: 'Storage Queue Data Reader' };
const LIST_BLOBS: Capability = { id: 'list', label: 'list blobs', anyOf: [[`${BLOBS}/read`]], suggest: 'Storage Blob Data Reader' };
const GET_CHECKPOINTS: Capability = { id: 'read', label: 'read the checkpoint blobs', anyOf: [[`${BLOBS}/read`]], suggest: 'Storage Blob Data Reader' };
/** KEDA's docs: "Permissions covered by Azure Event Hubs Data Receiver and Storage Blob Data Reader are required". */
const HUB_PROPERTIES: Capability = { id: 'receive', label: 'read the hub and partition properties (receive)', anyOf: [['Microsoft.EventHub/namespaces/messages/receive/action']], suggest: 'Azure Event Hubs Data Receiver' };

/** What each KEDA scaler needs, all of it (its calls are known: none is optional). */
const KEDA_NEEDS: Record<KedaScaler, { type: string; caps: Capability[] }> = {
  servicebus: { type: TYPES.serviceBus, caps: [KEDA_SERVICE_BUS] },
  queue: { type: TYPES.storage, caps: [QUEUE_METADATA] },
  'queue-peek': { type: TYPES.storage, caps: [QUEUE_PEEK, QUEUE_METADATA] },
  blob: { type: TYPES.storage, caps: [LIST_BLOBS] },
  eventhub: { type: TYPES.eventHubs, caps: [HUB_PROPERTIES] },
  checkpoint: { type: TYPES.storage, caps: [GET_CHECKPOINTS] },
};

const KEDA_KIND: Record<KedaScaler, string> = { servicebus: 'Service Bus namespace', queue: 'storage account (queues)', 'queue-peek': 'storage account (queues)', blob: 'storage account (blobs)', eventhub: 'Event Hubs namespace', checkpoint: 'storage account (Event Hubs checkpoints)' };
const KEDA_SERVICE: Record<KedaScaler, Service> = { servicebus: 'messaging', queue: 'queue', 'queue-peek': 'queue', blob: 'blob', eventhub: 'messaging', checkpoint: 'blob' };

/** An Azure resource a KEDA trigger reads (`entity`: the queue, container or hub it names, below the resource). */
export function kedaResource(scaler: KedaScaler, name: string, seenIn: string, entity?: UsedResource['entity']): UsedResource {
  const { type, caps } = KEDA_NEEDS[scaler];
  return { name: name.toLowerCase(), type, types: [type], kind: KEDA_KIND[scaler], service: KEDA_SERVICE[scaler], seenIn, suggest: caps[0]!.suggest, kedaScaler: scaler, ...(entity ? { entity } : {}) };
}

/** A Service Bus namespace a KEDA azure-servicebus trigger reads. */
export function kedaServiceBus(name: string, seenIn: string): UsedResource {
  return kedaResource('servicebus', name, seenIn);
}

/**
 * What the resource lets a workload do, in the order of the suggestion. Any one granted lets the
 * workload use it: the endpoint does not say whether it reads or writes, sends or receives.
 * Cosmos DB has none: its data plane uses its own SQL role assignments, not Azure RBAC.
 */
export function capabilities(used: UsedResource, foundType: string): Capability[] {
  if (used.kedaScaler) {
    const need = KEDA_NEEDS[used.kedaScaler];
    return foundType.toLowerCase() === need.type ? need.caps : [];
  }
  switch (used.service) {
    case 'keyvault':
      return (used.vaultObjects ?? ['secrets', 'keys', 'certificates']).map((o) => VAULT[o]);
    case 'messaging':
      return MESSAGING[foundType.toLowerCase()] ?? [];
    case 'dns':
      return DNS[foundType.toLowerCase()] ?? [];
    case 'cosmos':
      return [];
    default:
      return CAPABILITIES[used.service];
  }
}

/** The kind in words once the resource's type is known (Service Bus or Event Hubs). */
export function kindOf(used: UsedResource, foundType: string): string {
  if (used.service !== 'messaging') return used.kind;
  return foundType.toLowerCase() === TYPES.eventHubs ? 'Event Hubs namespace' : 'Service Bus namespace';
}

interface Pattern {
  re: RegExp;
  service: Service;
  types: string[];
  kind: string;
  suggest: string;
}

const SUFFIX = String.raw`core\.(?:windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)`;
// The storage roles are per service: a blob URL needs a blob role, a queue URL a queue role.
const PATTERNS: Pattern[] = [
  { re: /\b([a-z0-9-]{3,24})\.vault\.(?:azure\.net|usgovcloudapi\.net|azure\.cn)\b(\/(?:secrets|keys|certificates)\/)?/gi, service: 'keyvault', types: [TYPES.keyVault], kind: 'Key Vault', suggest: 'Key Vault Secrets User' },
  { re: new RegExp(String.raw`\b([a-z0-9]{3,24})\.(?:blob|dfs)\.${SUFFIX}\b`, 'gi'), service: 'blob', types: [TYPES.storage], kind: 'storage account (blobs)', suggest: 'Storage Blob Data Reader' },
  { re: new RegExp(String.raw`\b([a-z0-9]{3,24})\.queue\.${SUFFIX}\b`, 'gi'), service: 'queue', types: [TYPES.storage], kind: 'storage account (queues)', suggest: 'Storage Queue Data Message Processor' },
  { re: new RegExp(String.raw`\b([a-z0-9]{3,24})\.table\.${SUFFIX}\b`, 'gi'), service: 'table', types: [TYPES.storage], kind: 'storage account (tables)', suggest: 'Storage Table Data Reader' },
  // Service Bus and Event Hubs namespaces share the host name: which one it is, Azure says.
  { re: /\b([a-z0-9-]{6,50})\.servicebus\.(?:windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)\b/gi, service: 'messaging', types: [TYPES.serviceBus, TYPES.eventHubs], kind: 'Service Bus or Event Hubs namespace', suggest: 'Azure Service Bus Data Receiver' },
  { re: /\b([a-z0-9-]{5,50})\.azconfig\.(?:io|azure\.us|azure\.cn)\b/gi, service: 'appconfig', types: [TYPES.appConfig], kind: 'App Configuration store', suggest: 'App Configuration Data Reader' },
  { re: /\b([a-z0-9-]{3,44})\.documents\.(?:azure\.com|azure\.us|azure\.cn)\b/gi, service: 'cosmos', types: [TYPES.cosmos], kind: 'Cosmos DB account', suggest: '' },
];

function used(p: Pattern, name: string, seenIn: string, vaultPath?: string): UsedResource {
  const r: UsedResource = { name: name.toLowerCase(), type: p.types[0]!, types: p.types, kind: p.kind, service: p.service, seenIn, suggest: p.suggest };
  if (p.service === 'keyvault') r.vaultObjects = vaultPath ? [vaultPath.replace(/\//g, '').toLowerCase() as VaultObject] : ['secrets', 'keys', 'certificates'];
  return r;
}

/** A DNS zone a consumer names (cert-manager's hostedZoneName), public or private, where it says it is. */
export function dnsZone(name: string, isPrivate: boolean, seenIn: string, where: { resourceGroup?: string; subscriptionId?: string } = {}): UsedResource {
  const type = isPrivate ? TYPES.privateDnsZone : TYPES.dnsZone;
  return {
    name: name.toLowerCase().replace(/\.$/, ''),
    type,
    types: [type],
    kind: isPrivate ? 'private DNS zone' : 'DNS zone',
    service: 'dns',
    seenIn,
    suggest: isPrivate ? 'Private DNS Zone Contributor' : 'DNS Zone Contributor',
    ...(where.resourceGroup ? { resourceGroup: where.resourceGroup } : {}),
    ...(where.subscriptionId ? { subscriptionId: where.subscriptionId } : {}),
  };
}

/** Resources named in `text` (one value). */
export function resourcesIn(text: string, seenIn: string): UsedResource[] {
  const out: UsedResource[] = [];
  for (const p of PATTERNS) {
    for (const m of text.matchAll(p.re)) out.push(used(p, m[1]!, seenIn, m[2]));
  }
  // A connection string names the account without a host: AccountName=st1;...EndpointSuffix=core.windows.net
  const account = /AccountName=([a-z0-9]{3,24})/i.exec(text);
  if (account && /EndpointSuffix=/i.test(text) && !out.some((r) => r.name === account[1]!.toLowerCase())) out.push(used(PATTERNS[1]!, account[1]!, seenIn));
  return out;
}

/** One entry per service and name; a vault named with and without an object path is read as a whole. */
export function dedupe(rs: UsedResource[]): UsedResource[] {
  const seen = new Map<string, UsedResource>();
  for (const r of rs) {
    const k = `${r.service}/${r.type}/${r.name}/${r.resourceGroup ?? ''}/${r.subscriptionId ?? ''}/${r.kedaScaler ?? ''}/${r.entity?.path ?? ''}`.toLowerCase();
    const prev = seen.get(k);
    if (!prev) seen.set(k, { ...r, ...(r.vaultObjects ? { vaultObjects: [...r.vaultObjects] } : {}) });
    else if (prev.vaultObjects && r.vaultObjects) prev.vaultObjects = [...new Set([...prev.vaultObjects, ...r.vaultObjects])].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  }
  return [...seen.values()];
}

const ORDER: VaultObject[] = ['secrets', 'keys', 'certificates'];

/** Whether an assignment at `scope` covers the resource `id` (same ID or an ancestor, at a path boundary). */
export function covers(scope: string, id: string): boolean {
  return scopeCovers(scope, id);
}

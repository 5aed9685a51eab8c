// The Azure resources a workload evidently calls, read from endpoint URLs in its environment and
// ConfigMaps (`https://kv-prod.vault.azure.net/`, `DefaultEndpointsProtocol=...;AccountName=st1`,
// `sb-orders.servicebus.windows.net`), each with the data-plane roles that let an identity use it.
// Only the host names are kept: never a key, a SAS token or a password from the same string.

export interface UsedResource {
  /** The resource's name, e.g. kv-prod. */
  name: string;
  /** Its ARM type, lower case, e.g. microsoft.keyvault/vaults. */
  type: string;
  /** Human kind for messages: "Key Vault". */
  kind: string;
  /** Where it was seen, e.g. "env AZURE_KEYVAULT_URL of container api". */
  seenIn: string;
  /** Roles any of which lets the identity use it (data plane). */
  roles: string[];
  /** The one to suggest when none is assigned. */
  suggest: string;
}

interface Pattern {
  re: RegExp;
  type: string;
  kind: string;
  roles: string[];
  suggest: string;
}

// The storage roles are per service: a blob URL needs a blob role, a queue URL a queue role.
const PATTERNS: Pattern[] = [
  { re: /\b([a-z0-9-]{3,24})\.vault\.(?:azure\.net|usgovcloudapi\.net|azure\.cn)\b/gi, type: 'microsoft.keyvault/vaults', kind: 'Key Vault', roles: ['Key Vault Secrets User', 'Key Vault Secrets Officer', 'Key Vault Administrator', 'Key Vault Crypto User', 'Key Vault Crypto Officer', 'Key Vault Certificate User', 'Key Vault Certificates Officer'], suggest: 'Key Vault Secrets User' },
  { re: /\b([a-z0-9]{3,24})\.(?:blob|dfs)\.core\.(?:windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)\b/gi, type: 'microsoft.storage/storageaccounts', kind: 'storage account (blobs)', roles: ['Storage Blob Data Reader', 'Storage Blob Data Contributor', 'Storage Blob Data Owner'], suggest: 'Storage Blob Data Reader' },
  { re: /\b([a-z0-9]{3,24})\.queue\.core\.(?:windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)\b/gi, type: 'microsoft.storage/storageaccounts', kind: 'storage account (queues)', roles: ['Storage Queue Data Reader', 'Storage Queue Data Contributor', 'Storage Queue Data Message Processor', 'Storage Queue Data Message Sender'], suggest: 'Storage Queue Data Contributor' },
  { re: /\b([a-z0-9]{3,24})\.table\.core\.(?:windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)\b/gi, type: 'microsoft.storage/storageaccounts', kind: 'storage account (tables)', roles: ['Storage Table Data Reader', 'Storage Table Data Contributor'], suggest: 'Storage Table Data Reader' },
  { re: /\b([a-z0-9-]{6,50})\.servicebus\.(?:windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)\b/gi, type: 'microsoft.servicebus/namespaces', kind: 'Service Bus namespace', roles: ['Azure Service Bus Data Receiver', 'Azure Service Bus Data Sender', 'Azure Service Bus Data Owner'], suggest: 'Azure Service Bus Data Receiver' },
  { re: /\b([a-z0-9-]{5,50})\.azconfig\.io\b/gi, type: 'microsoft.appconfiguration/configurationstores', kind: 'App Configuration store', roles: ['App Configuration Data Reader', 'App Configuration Data Owner'], suggest: 'App Configuration Data Reader' },
];

/** Resources named in `text` (one value), deduplicated by type and name. */
export function resourcesIn(text: string, seenIn: string): UsedResource[] {
  const out: UsedResource[] = [];
  for (const p of PATTERNS) {
    for (const m of text.matchAll(p.re)) out.push({ name: m[1]!.toLowerCase(), type: p.type, kind: p.kind, seenIn, roles: p.roles, suggest: p.suggest });
  }
  // A connection string names the account without a host: AccountName=st1;...EndpointSuffix=core.windows.net
  const account = /AccountName=([a-z0-9]{3,24})/i.exec(text);
  if (account && /EndpointSuffix=/i.test(text) && !out.some((r) => r.name === account[1]!.toLowerCase())) {
    const blob = PATTERNS[1]!;
    out.push({ name: account[1]!.toLowerCase(), type: blob.type, kind: blob.kind, seenIn, roles: blob.roles, suggest: blob.suggest });
  }
  return out;
}

export function dedupe(rs: UsedResource[]): UsedResource[] {
  const seen = new Map<string, UsedResource>();
  for (const r of rs) {
    const k = `${r.type}/${r.name}/${r.kind}`;
    if (!seen.has(k)) seen.set(k, r);
  }
  return [...seen.values()];
}

/** Whether an assignment at `scope` covers the resource `id` (same ID or an ancestor, at a path boundary). */
export function covers(scope: string, id: string): boolean {
  const s = scope.toLowerCase().replace(/\/+$/, '');
  const r = id.toLowerCase();
  return r === s || r.startsWith(`${s}/`) || s === '/';
}

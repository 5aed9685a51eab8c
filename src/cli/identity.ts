// `wi-doctor identity <client-id>`: the identity view (issue 19). A managed identity holds at most 20
// federated credentials; this lists them with, for each, whether it still serves something
// (src/azure/identity-audit.ts), and deletes one stale credential on request — after your
// explicit yes (a question, or --yes), only if it is still exactly what was listed, never AKS's
// own `aks-identity-binding`, and always with the `az` command shown.
//
// Exit codes: 0 fine; 1 the identity is at the limit or has stale (or likely stale)
// credentials; 2 it could not be looked up (not signed in, not found, Azure failed), or a usage error.

import { CLOUDS, type AzureCloudName } from '../azure/types';
import { auditIdentity, azDeleteCredential, MAX_CREDENTIALS, type CredentialAudit, type IdentityAudit, type ReachableCluster } from '../azure/identity-audit';
import type { AzureApi } from '../azure/types';
import type { ClusterApi } from '../cluster/types';
import { isGuid } from '../manifests/placeholders';
import { neutralise } from '../util/terminal';
import { CLUSTER_OPTIONS, parseArgs, timeoutSeconds, UsageError, type OptionSpec } from './args';
import { defaultAzure, type AzureFn, type ConnectFn } from './diagnose';
import type { SafeIO } from './output';

const SPEC: Record<string, OptionSpec> = { ...CLUSTER_OPTIONS, '--cloud': { value: true }, '--delete': { value: true }, '--yes': {}, '--no-cluster': {} };

export const IDENTITY_HELP = `Usage: wi-doctor identity <client-id> [options]

Lists a managed identity's federated credentials (at most ${MAX_CREDENTIALS}) and says which still serve
something: AKS's aks-identity-binding (AKS-managed), a credential whose issuer is an AKS cluster you
can read (live; its ServiceAccount is looked up when the kubeconfig's context is that cluster — a
missing one is stale), an AKS issuer no cluster you can read has (likely stale), anything else (not
judged).

  --delete <name>               Delete that credential, after a yes (asked, or --yes); refused for
                                aks-identity-binding or when it changed since listed
  --yes                         Answer yes to the delete question
  --no-cluster                  Do not use the kubeconfig (no ServiceAccount lookups)
  --context <name>, --kubeconfig <file>  The cluster to look ServiceAccounts up in
  --cloud <name>                AzureCloud (default), AzureUSGovernment or AzureChinaCloud
  -f, --format <text|json>      Output format (default: text)
  --timeout <seconds>           Deadline of each request (default: 30)

Exit codes: 0 fine; 1 at the limit, or stale credentials; 2 could not be looked up, or a usage error.
`;

const LABEL: Record<CredentialAudit['state'], string> = { live: 'live', stale: 'STALE', 'likely-stale': 'likely stale', 'aks-managed': 'AKS-managed', 'not-judged': 'not judged' };

export interface IdentityDeps {
  connect: ConnectFn;
  azure?: AzureFn;
  ask?: (question: string) => Promise<boolean>;
}

/** The kubeconfig's cluster and its issuer, or undefined (no kubeconfig, unreachable): lookups are then skipped. */
async function reachable(cluster: ClusterApi, signal?: AbortSignal): Promise<ReachableCluster | undefined> {
  const d = await cluster.getPath<{ issuer?: string }>('/.well-known/openid-configuration', signal);
  return d.ok && typeof d.value.issuer === 'string' ? { api: cluster, issuer: d.value.issuer } : undefined;
}

function render(a: IdentityAudit, context: string | undefined): string {
  const id = a.identity;
  const lines = [`Managed identity ${id.name} (client ID ${id.clientId}, resource group ${id.resourceGroup}, subscription ${id.subscriptionId})`, `${a.credentials.length} of ${a.limit} federated credentials${a.credentials.length >= a.limit ? ' — the limit: no more can be added' : ''}${context ? `; ServiceAccounts looked up in context ${context}` : ''}`, ''];
  for (const c of a.credentials) {
    lines.push(`  ${LABEL[c.state].padEnd(12)} ${c.credential.name}`);
    lines.push(`               issuer ${c.credential.issuer}`, `               subject ${c.credential.subject}`, `               ${c.reason}`);
  }
  const stale = a.credentials.filter((c) => c.state === 'stale' || c.state === 'likely-stale');
  lines.push('');
  if (stale.length) {
    lines.push(`${stale.length} to remove, one at a time (wi-doctor identity ${id.clientId} --delete <name>), or with az:`);
    for (const c of stale) lines.push(`  ${azDeleteCredential(id, c.credential.name)}`);
  } else lines.push('No stale credential found.');
  if (a.credentials.length >= a.limit && !stale.length) lines.push('At the limit with none stale: identity bindings (AKS) let many clusters share one credential.');
  return `${lines.join('\n')}\n`;
}

export async function identityCommand(argv: readonly string[], io: SafeIO, deps: IdentityDeps): Promise<number> {
  const parsed = parseArgs(argv, SPEC);
  if (parsed.flags.has('--help')) {
    io.stdout.write(IDENTITY_HELP);
    return 0;
  }
  const format = parsed.options.get('--format')?.[0] ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown format "${format}" (formats: text, json)`);
  if (parsed.positionals.length !== 1) throw new UsageError('which identity? e.g. wi-doctor identity 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f');
  const clientId = parsed.positionals[0]!.trim();
  if (!isGuid(clientId)) throw new UsageError(`"${clientId}" is not a client ID (a GUID)`);
  const cloud = (parsed.options.get('--cloud')?.[0] ?? 'AzureCloud') as AzureCloudName;
  if (!(cloud in CLOUDS)) throw new UsageError(`unknown cloud "${cloud}" (clouds: ${Object.keys(CLOUDS).join(', ')})`);
  const timeout = timeoutSeconds(parsed);
  const fail = (message: string): number => {
    io.stderr.write(`wi-doctor: ${neutralise(message.replace(/\s*\r?\n\s*/g, ' '))}\n`);
    return 2;
  };
  const provider = await (deps.azure ?? defaultAzure)({ cloud, timeoutMs: timeout * 1000 })();
  if (!('api' in provider)) return fail(provider.unavailable);
  const azure: AzureApi = provider.api;
  const found = await azure.findIdentityByClientId(clientId, io.signal);
  if (!found.ok) return fail(found.failure.message);
  if (!found.value) return fail(`No managed identity with client ID ${clientId} is in a subscription you can read.`);
  const identity = found.value;
  const cluster = parsed.flags.has('--no-cluster') ? undefined : deps.connect({ kubeconfig: parsed.options.get('--kubeconfig')?.[0], context: parsed.options.get('--context')?.[0], timeoutMs: timeout * 1000, env: io.env as NodeJS.ProcessEnv });
  const here = cluster ? await reachable(cluster, io.signal) : undefined;
  const audited = await auditIdentity(azure, identity, here, io.signal);
  if (!audited.ok) return fail(audited.failure.message);
  const audit = audited.value;

  const name = parsed.options.get('--delete')?.[0];
  if (name !== undefined) return deleteOne(io, azure, audit, name, parsed.flags.has('--yes'), deps.ask, fail);

  if (format === 'json') io.stdout.json(JSON.stringify({ identity: { name: identity.name, clientId: identity.clientId, resourceGroup: identity.resourceGroup, subscriptionId: identity.subscriptionId }, limit: audit.limit, credentials: audit.credentials.map((c) => ({ name: c.credential.name, issuer: c.credential.issuer, subject: c.credential.subject, audiences: c.credential.audiences, state: c.state, reason: c.reason })) }, null, 2) + '\n');
  else io.stdout.write(render(audit, here ? cluster?.identity.context : undefined));
  const stale = audit.credentials.some((c) => c.state === 'stale' || c.state === 'likely-stale');
  return stale || audit.credentials.length >= audit.limit ? 1 : 0;
}

async function deleteOne(io: SafeIO, azure: AzureApi, audit: IdentityAudit, name: string, yes: boolean, ask: IdentityDeps['ask'], fail: (m: string) => number): Promise<number> {
  const id = audit.identity;
  const c = audit.credentials.find((x) => x.credential.name === name);
  if (!c) return fail(`Managed identity ${id.name} has no federated credential "${name}".`);
  if (c.state === 'aks-managed') return fail(`"${name}" is AKS's credential for identity bindings: AKS manages it, and every binding of ${id.name} needs it. It is not deleted.`);
  const command = azDeleteCredential(id, name);
  io.stderr.write(`Delete federated credential "${name}" of ${id.name} (${LABEL[c.state]}: ${c.reason})?\n  issuer ${c.credential.issuer}\n  subject ${c.credential.subject}\n  the same as: ${command}\n`);
  const confirmed = yes || (ask ? await ask('Delete it?') : false);
  if (!confirmed) return fail(yes || ask ? 'Not deleted.' : 'Not deleted: no terminal to ask; pass --yes to confirm.');
  // The precondition: still exactly what was listed (the API defines no ETag for credentials).
  const now = await azure.getFederatedCredential(id, name, io.signal);
  if (!now.ok) return fail(now.failure.message);
  const before = c.credential;
  if (!now.value || now.value.issuer !== before.issuer || now.value.subject !== before.subject || now.value.audiences.join() !== before.audiences.join()) return fail(`"${name}" changed since it was listed (or is gone): nothing was deleted; run the command again.`);
  const r = await azure.deleteFederatedCredential(id, name, io.signal);
  if (!r.ok) return fail(r.failure.message);
  io.stdout.write(`Deleted federated credential "${name}" of ${id.name}; ${audit.credentials.length - 1} of ${audit.limit} remain.\n`);
  return 0;
}

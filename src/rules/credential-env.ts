import type { Node as YNode, Scalar } from 'yaml';
import type { K8sObject } from '../manifests/objects';
import { isStandIn } from '../manifests/placeholders';
import { defineRule, WORKLOADS } from './shared';
import type { RelatedLocation, Rule, RuleContext } from './types';
import { envEntries, envFromSources, listWords, podContainers, removable, removeEnvEntries, setsValue, through, type ContainerRef, type EnvEntry, type EnvFromKey, type EnvFromSource } from './env-shared';

const SINGLE = ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH'] as const;
const PAIR = ['AZURE_USERNAME', 'AZURE_PASSWORD'] as const;

/** Where a variable's effective value comes from: `env` wins over `envFrom`; a later envFrom source wins over an earlier one. */
type Origin = { via: 'env'; entries: EnvEntry[] } | { via: 'envFrom'; source: EnvFromSource; key: EnvFromKey };

function origin(name: string, env: EnvEntry[], sources: EnvFromSource[]): Origin | undefined {
  const named = env.filter((e) => e.name === name);
  if (named.length) return setsValue(named[named.length - 1]) ? { via: 'env', entries: named } : undefined;
  for (let i = sources.length - 1; i >= 0; i--) {
    const key = [...sources[i].keys].reverse().find((k) => k.varName === name);
    if (key) return key.empty ? undefined : { via: 'envFrom', source: sources[i], key };
  }
  return undefined;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The entry that decides a variable set in the env (the last one, as in the kubelet). */
function lastOf(o: Origin): EnvEntry {
  const entries = (o as Extract<Origin, { via: 'env' }>).entries;
  return entries[entries.length - 1];
}

export const credentialEnv: Rule = defineRule({
  meta: {
    id: 'credential-env',
    title: 'A credential in the env makes the SDK skip Workload Identity',
    description: 'A container of a Workload Identity pod gets AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH, or AZURE_USERNAME with AZURE_PASSWORD (by value, valueFrom or envFrom), so DefaultAzureCredential picks EnvironmentCredential and never tries Workload Identity.',
    defaultSeverity: 'error',
    kinds: WORKLOADS,
    fact: 'EnvironmentCredential is chosen when `AZURE_TENANT_ID` and `AZURE_CLIENT_ID` (both injected by the webhook) come with any of `AZURE_CLIENT_SECRET`, `AZURE_CLIENT_CERTIFICATE_PATH`, or `AZURE_USERNAME` + `AZURE_PASSWORD`. If it then fails it throws AuthenticationError, which STOPS the chain: Workload Identity is never tried. So any of those variables in a WI pod is an error, whether set by `value`, `valueFrom` or `envFrom`.',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const pod = podContainers(obj, ctx.index);
    if (!pod) return;
    for (const c of pod.containers) checkContainer(obj, c, ctx);
  },
});

function checkContainer(obj: K8sObject, c: ContainerRef, ctx: RuleContext): void {
  const env = envEntries(c);
  const sources = envFromSources(c, obj.namespace, ctx.index);
  const found: { name: string; partner?: { name: string; origin: Origin }; origin: Origin }[] = [];
  for (const name of SINGLE) {
    const o = origin(name, env, sources);
    if (o) found.push({ name, origin: o });
  }
  const pair = PAIR.map((n) => origin(n, env, sources));
  if (pair[0] && pair[1]) {
    found.push({ name: PAIR[0], partner: { name: PAIR[1], origin: pair[1] }, origin: pair[0] });
    found.push({ name: PAIR[1], partner: { name: PAIR[0], origin: pair[0] }, origin: pair[1] });
  }
  if (!found.length) return;

  // Only a pod the webhook mutates gets the AZURE_CLIENT_ID and AZURE_TENANT_ID that,
  // with one of these, select EnvironmentCredential over Workload Identity. Elsewhere (a pod
  // that authenticates with a service principal on purpose, a container the webhook skips)
  // the credential is the app's own business: a note, never a warning.
  const severity = c.injected ? 'error' : 'info';
  const consequence = c.injected
    ? 'so DefaultAzureCredential picks EnvironmentCredential and never tries Workload Identity'
    : c.skipped
      ? 'a long-lived credential for EnvironmentCredential in a container the Workload Identity webhook skips'
      : 'a long-lived credential for EnvironmentCredential; this pod does not use Workload Identity, which would need none';
  const from = (o: Origin) => (o.via === 'env' ? 'from its env' : `from ${o.source.kind} ${o.source.name}`);

  // One fix for every env-defined credential of the container: each finding offers the
  // same edits, so fix-all applies them once and an emptied env list goes as a whole.
  // An entry inherited through a shared anchor is left out: removing it would change the
  // anchor's other users (the finding then points at the alias and says so).
  const fromEnv = found.filter((f) => f.origin.via === 'env');
  const mine = fromEnv.filter((f) => removable(lastOf(f.origin)));
  const names = [...new Set(mine.map((f) => f.name))];
  const entries = env.filter((e) => names.includes(e.name));
  const edits = removeEnvEntries(ctx.doc, entries);
  const fixes = edits.length ? [{ title: `Remove ${listWords(names)} from ${c.label}`, safe: c.injected, edits }] : [];
  // Entries written in the container: one finding each, at its name. Entries inherited
  // through one alias: one finding at that alias, naming them all, each related to its anchor entry.
  const own = fromEnv.filter((f) => lastOf(f.origin).via === undefined);
  const viaAlias = new Map<YNode, typeof fromEnv>();
  for (const f of fromEnv) {
    const via = lastOf(f.origin).via;
    if (via !== undefined) viaAlias.set(via, [...(viaAlias.get(via) ?? []), f]);
  }
  for (const f of own) {
    const entry = lastOf(f.origin);
    // A placeholder (`${SECRET}`, `your-client-secret`, `xxxxxxxx`) is filled in later (and will
    // then select EnvironmentCredential), but is never an error here.
    const placeholder = entry.literal !== undefined && isStandIn(entry.literal);
    ctx.report({
      at: entry.at,
      severity: placeholder ? 'info' : severity,
      message: `${cap(c.label)} sets ${f.name} in its env${placeholder ? ' from a placeholder' : ''}${f.partner ? `, together with ${f.partner.name}${f.partner.origin.via === 'env' ? '' : ` ${from(f.partner.origin)}`}` : ''}, ${consequence}.`,
      fixes,
    });
  }
  for (const [via, group] of viaAlias) {
    const inherited = through(ctx.doc, via);
    const entries = group.map((f) => lastOf(f.origin));
    const placeholder = entries.every((e) => e.literal !== undefined && isStandIn(e.literal));
    const partners = group.flatMap((f) => (f.partner && !group.some((g) => g.name === f.partner!.name) ? [`${f.partner.name}${f.partner.origin.via === 'env' ? '' : ` ${from(f.partner.origin)}`}`] : []));
    ctx.report({
      at: via,
      severity: placeholder ? 'info' : severity,
      message: `${cap(c.label)} sets ${listWords(group.map((f) => f.name))} in its env${inherited}${placeholder ? ' from a placeholder' : ''}${partners.length ? `, together with ${listWords(partners)}` : ''}, ${consequence}.`,
      related: group.map((f, i) => ({ file: ctx.doc.file, range: ctx.rangeOf(entries[i].nameNode), message: `${f.name} is set here, in what ${c.label} inherits${inherited}.` })),
      fixes: entries.every(removable) ? fixes : [],
    });
  }

  // envFrom: one finding per source, at its configMapRef/secretRef name; nothing edits the ConfigMap or Secret.
  const bySource = new Map<Scalar, { source: EnvFromSource; items: { name: string; partner?: { name: string; origin: Origin }; key: EnvFromKey }[] }>();
  for (const f of found) {
    if (f.origin.via !== 'envFrom') continue;
    const s = f.origin.source;
    const g = bySource.get(s.nameNode) ?? { source: s, items: [] };
    g.items.push({ name: f.name, partner: f.partner, key: f.origin.key });
    bySource.set(s.nameNode, g);
  }
  for (const { source, items } of bySource.values()) {
    const names = listWords(items.map((i) => (i.partner && !items.some((j) => j.name === i.partner!.name) ? `${i.name} (with ${i.partner.name} ${from(i.partner.origin)})` : i.name)));
    const related: RelatedLocation[] = source.object
      ? items.map((i) => ({
          file: source.object!.doc.file,
          range: ctx.rangeOf(i.key.pair, source.object!.doc),
          message: `${i.name} comes from key ${i.key.key} of ${source.kind} ${source.name}${source.prefix ? ` (prefix ${source.prefix})` : ''}.`,
        }))
      : [];
    ctx.report({
      at: source.nameNode,
      severity,
      message: `${cap(c.label)} gets ${names} through envFrom of ${source.kind} ${source.name}, ${consequence}.`,
      related,
    });
  }
}

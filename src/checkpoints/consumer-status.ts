// consumer-status: what the controller itself says about the consumer object — an External
// Secrets store's or a cert-manager issuer's Ready condition, and, for a SecretProviderClass, the
// FailedMount events of the pods that mount it (the CSI driver's only report), with the AADSTS
// code explained. KEDA keeps no status on a TriggerAuthentication: its errors are in the
// operator's logs, which pod-logs reads.

import { Resources } from '../cluster/resources';
import type { KubeObject } from '../cluster/types';
import { readyCondition, type Condition } from '../consumers/index';
import { CheckpointFault, SkipCheckpoint } from './context';
import { LOG_SIGNATURES, redactLogLine } from './log-signatures';
import { CHECKPOINT_TITLES } from './results';
import { ev, kubectl, shq } from './shared';
import { plural } from '../util/words';
import type { Checkpoint, CheckpointOutcome, Evidence } from './types';

interface EventObject extends KubeObject { type?: string; reason?: string; message?: string; count?: number; lastTimestamp?: string; eventTime?: string; involvedObject?: { kind?: string; name?: string } }

/** The AADSTS codes (and what they mean) in a controller's message. */
function explain(message: string): Evidence[] {
  return LOG_SIGNATURES.filter((s) => s.id.startsWith('AADSTS') && s.pattern.test(message)).slice(0, 1).map((s) => ev(s.id, `${s.meaning} (see "${CHECKPOINT_TITLES[s.explainedBy]}")`, 'fail'));
}

/**
 * A controller's long message, shown: its first clause and, when it holds one, the sentence with
 * the Entra code (a CSI mount error is three wrapped errors deep before it gets to the point).
 */
function excerpt(message: string): string {
  const m = /AADSTS\d+[^\n]*?(?:\.(?=\s|$)|$)/.exec(message);
  if (!m) return redactLogLine(message);
  const head = message.slice(0, Math.min(message.indexOf(':') === -1 ? 60 : message.indexOf(':'), 100));
  return redactLogLine(`${head}: … ${m[0].slice(0, 200)}`);
}

export const consumerStatus: Checkpoint = {
  id: 'consumer-status',
  title: CHECKPOINT_TITLES['consumer-status'],
  description: "What the controller reports about the consumer object: an External Secrets store's or a cert-manager issuer's Ready condition, or the FailedMount events of the pods that mount a SecretProviderClass, with the Entra error explained.",
  side: 'cluster',
  needs: ['consumer-identity'],
  fact: 'The token is that of the ServiceAccount of the POD that mounts\n  the volume (the driver requests it)',
  async run(ctx) {
    const c = ctx.options.consumer;
    if (!c) throw new SkipCheckpoint('Skipped: this diagnosis did not start from a consumer object.');
    const { use } = c;
    if (use.type === 'keda') throw new SkipCheckpoint('Skipped: KEDA keeps no status on a TriggerAuthentication; its errors are in the operator\'s logs (see "Pod logs").');
    if (use.type === 'secrets-store-csi') return mountEvents(ctx, c.ref.namespace ?? 'default', c.ref.name);
    if (use.type === 'cert-manager') return challenges(ctx, c.ref.kind, c.ref.namespace, c.ref.name, readyCondition(c.object));
    const cond = readyCondition(c.object);
    const evidence: Evidence[] = [];
    if (!cond) {
      return { status: 'warn', summary: `${use.kind} ${use.name ?? ''} has no Ready condition: its controller has not reconciled it (is the controller running, and does it watch this ${use.namespace ? 'namespace' : 'kind'}?).`, evidence, remediation: [] };
    }
    const text = `${cond.status ?? '?'}${cond.reason ? ` (${cond.reason})` : ''}${cond.message ? `: ${redactLogLine(cond.message)}` : ''}`;
    if (cond.status === 'True') return { status: 'pass', summary: `${use.kind} ${use.name ?? ''} is Ready: its controller reports it valid.`, evidence: [ev('Ready', text, 'ok')], remediation: [] };
    evidence.push(ev('Ready', text, 'fail'));
    // The controller's Warning events on the object often carry the Entra error its condition summarises.
    const events = await ctx.cluster.list<EventObject>(Resources.events, c.ref.namespace ?? 'default', { fieldSelector: `involvedObject.kind=${c.ref.kind},involvedObject.name=${c.ref.name}` }, ctx.signal);
    const warnings = events.ok ? events.value.filter((e) => e.type === 'Warning') : [];
    const telling = warnings.find((e) => /AADSTS\d+/.test(e.message ?? ''));
    if (telling) evidence.push(ev(`event ${telling.reason ?? ''}`.trim(), redactLogLine(telling.message ?? ''), 'fail'));
    for (const e of explain([cond.message ?? '', telling?.message ?? ''].join('\n'))) evidence.push(e);
    return { status: 'fail', summary: `${use.kind} ${use.name ?? ''} is not Ready: ${redactLogLine(cond.message ?? cond.reason ?? 'no message')}`, evidence, remediation: [{ text: 'Read the controller\'s events on it.', command: kubectl(ctx, `describe ${c.ref.kind.toLowerCase()} ${shq(c.ref.name)}`, c.ref.namespace ?? null) }] };
  },
};

async function mountEvents(ctx: Parameters<Checkpoint['run']>[0], namespace: string, name: string): Promise<CheckpointOutcome> {
  const pods = new Map((ctx.options.consumer?.mountingPods ?? []).map((p) => [p.name, p.volumes] as const));
  if (pods.size === 0) return { status: 'pass', summary: `No pod mounts ${name} now: there is no mount to report on.`, evidence: [], remediation: [] };
  const r = await ctx.cluster.list<EventObject>(Resources.events, namespace, { fieldSelector: 'reason=FailedMount' }, ctx.signal);
  if (!r.ok) throw new CheckpointFault(r.failure.message);
  // The kubelet's events name the pod and the volume (MountVolume.SetUp failed for volume "<volume>"), not the class:
  // those of the pods that mount it, about one of its volumes (or the Secrets Store driver).
  const mine = r.value.filter((e) => {
    const volumes = e.involvedObject?.kind === 'Pod' ? pods.get(e.involvedObject.name ?? '') : undefined;
    const m = e.message ?? '';
    return volumes !== undefined && (m.includes('secrets-store') || volumes.some((v) => m.includes(`"${v}"`)));
  });
  if (mine.length === 0) return { status: 'pass', summary: `No FailedMount event for the ${plural(pods.size, 'pod')} that mount ${name} in namespace ${namespace}: the CSI driver reports no failure.`, evidence: [ev('FailedMount events', `none for ${[...pods.keys()].slice(0, 3).join(', ')}${pods.size > 3 ? ', …' : ''}`, 'ok')], remediation: [] };
  const time = (e: EventObject) => Date.parse(e.lastTimestamp ?? e.eventTime ?? '') || 0;
  const sorted = [...mine].sort((a, b) => time(b) - time(a));
  // The newest that says why (an Entra error), else the newest: the kubelet's "timed out waiting" follows the real one.
  const telling = sorted.find((e) => /AADSTS\d+/.test(e.message ?? '')) ?? sorted[0]!;
  const message = telling.message ?? '';
  const evidence: Evidence[] = [
    ev('FailedMount', `${plural(mine.length, 'event')} on ${plural(new Set(mine.map((e) => e.involvedObject?.name)).size, 'pod')}, e.g. ${telling.involvedObject?.kind ?? 'Pod'} ${telling.involvedObject?.name ?? '?'}${telling.count && telling.count > 1 ? ` (×${telling.count})` : ''}`, 'fail'),
    ev('message', redactLogLine(message), 'fail'),
  ];
  for (const e of explain(mine.map((x) => x.message ?? '').join('\n'))) evidence.push(e);
  return {
    status: 'fail',
    summary: `The CSI driver fails to mount ${name} in namespace ${namespace}: ${excerpt(message)}`,
    evidence,
    remediation: [{ text: 'Read the events of the pods that mount it.', command: kubectl(ctx, 'get events --field-selector reason=FailedMount', namespace) }],
  };
}

interface ChallengeObject extends KubeObject { spec?: { issuerRef?: { name?: string; kind?: string }; dnsName?: string; type?: string }; status?: { state?: string; reason?: string; presented?: boolean } }

/**
 * cert-manager: an issuer's Ready condition is about its ACME account, not about DNS-01. The
 * solver's Azure errors are on its Challenges (and their events): those issued through this issuer.
 */
async function challenges(ctx: Parameters<Checkpoint['run']>[0], kind: string, namespace: string | undefined, name: string, ready: Condition | undefined): Promise<CheckpointOutcome> {
  const evidence: Evidence[] = [];
  if (ready) evidence.push(ev('Ready', `${ready.status ?? '?'}${ready.reason ? ` (${ready.reason})` : ''} — about the ACME account, not DNS-01`, ready.status === 'True' ? 'ok' : 'fail'));
  const r = await ctx.cluster.list<ChallengeObject>(Resources.challenges, namespace, {}, ctx.signal);
  if (!r.ok) {
    if (r.failure.kind === 'not-found') return { status: 'warn', summary: `The cluster serves no ACME Challenge resource: cert-manager's CRDs are incomplete, so ${kind} ${name}'s DNS-01 challenges cannot be read.`, evidence, remediation: [] };
    throw new CheckpointFault(r.failure.message);
  }
  const mine = r.value.filter((ch) => ch.spec?.issuerRef?.name === name && (ch.spec.issuerRef.kind ?? 'Issuer') === kind);
  const failing = mine.filter((ch) => ch.status?.state !== 'valid' && !!ch.status?.reason);
  if (failing.length === 0) {
    const pending = mine.filter((ch) => ch.status?.state !== 'valid').length;
    return { status: 'pass', summary: `${kind} ${name}: ${mine.length ? `${plural(mine.length, 'challenge')}, none with an error${pending ? ` (${pending} pending)` : ''}` : 'no ACME challenge in progress'}${ready?.status === 'True' ? '; its ACME account is registered' : ''}.`, evidence, remediation: [] };
  }
  const ch = failing[0]!;
  evidence.push(ev('Challenge', `${ch.metadata.namespace ?? ''}/${ch.metadata.name} (${ch.spec?.type ?? 'DNS-01'} for ${ch.spec?.dnsName ?? '?'}): ${ch.status?.state ?? 'pending'}`, 'fail'));
  evidence.push(ev('reason', redactLogLine(ch.status?.reason ?? ''), 'fail'));
  for (const e of explain(failing.map((x) => x.status?.reason ?? '').join('\n'))) evidence.push(e);
  if (!/AADSTS\d+/.test(ch.status?.reason ?? '') && /401|authentication failed/i.test(ch.status?.reason ?? '')) {
    evidence.push(ev('Entra', "cert-manager keeps Entra's answer out of the challenge (\"see logs for more information\"): the AADSTS code is in the controller's log (Pod logs)", 'info'));
  }
  return {
    status: 'fail',
    summary: `${plural(failing.length, 'ACME challenge')} of ${kind} ${name} ${failing.length === 1 ? 'fails' : 'fail'}: ${excerpt((ch.status?.reason ?? '').replace(/\s*\n[-\s]*/g, ' '))}`,
    evidence,
    remediation: [{ text: 'Read the challenge and its events.', command: kubectl(ctx, `describe challenge ${shq(ch.metadata.name)}`, ch.metadata.namespace ?? null) }],
  };
}

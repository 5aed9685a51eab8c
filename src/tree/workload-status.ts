// A workload's Workload Identity status for the sidebar tree: the diagnosis's cluster checks
// (src/checkpoints/evaluate.ts) applied to objects already in the informers' caches, with no
// request of its own. What needs a read the tree does not make (envFrom Secrets' keys, the
// projected token, the logs, Azure) is left to the full diagnosis.
//
//   ok       wired and injected
//   error    broken: the diagnosis's checkpoint for it FAILS (the first such finding names it)
//   warning  the diagnosis's checkpoint for it WARNS (no pod to check, the label also in the selector)
//   muted    not using Workload Identity (no label anywhere, no client-id on its ServiceAccount)
//
// A finding's level is never chosen here case by case: each finding the tree can make is a row of
// FINDINGS, with the checkpoint that judges the same thing and the answer that checkpoint gives
// (fail → error, warn → warning). test/unit/workload-status.test.ts runs the checkpoints on the
// same objects to hold the table to that, so the sidebar and the report cannot drift apart.

import { flat } from '../util/flat';
import type { WorkloadKind } from '../cluster/resources';
import type { KubeObject, Pod } from '../cluster/types';
import { podsOf as podsOfWorkload, toWorkload, type Workload } from '../cluster/workloads';
import { clientIdState, credentialEnv, hardcodedClientIds, namespaceExcluded, podInjection, unlabelledPods, useLabelState } from '../checkpoints/evaluate';
import type { CheckpointId } from '../checkpoints/types';
import { CLIENT_ID, USE_LABEL } from '../manifests/workload-identity';

export type TreeWorkloadKind = Exclude<WorkloadKind, 'Pod'>;
export type StatusLevel = 'ok' | 'error' | 'warning' | 'muted';

/** The audience of the webhook's projected token volume (sdk-environment fails any other). */
const TOKEN_AUDIENCE = 'api://AzureADTokenExchange';

/**
 * Every problem the tree can report: the checkpoint that judges the same thing (`also`: other
 * checkpoints that answer the same for it), and what that checkpoint answers for it. The level
 * follows from the answer (fail → error, warn → warning).
 */
export const FINDINGS = {
  'webhook-down': { checkpoint: 'webhook', answer: 'fail' },
  'namespace-excluded': { checkpoint: 'webhook', answer: 'fail' },
  'label-wrong-value': { checkpoint: 'pod-label', answer: 'fail' },
  'label-on-workload': { checkpoint: 'pod-label', answer: 'fail' },
  'label-as-annotation': { checkpoint: 'pod-label', answer: 'fail' },
  'label-missing': { checkpoint: 'pod-label', answer: 'fail' },
  'pods-predate-label': { checkpoint: 'pod-label', answer: 'fail' },
  'label-in-selector': { checkpoint: 'pod-label', answer: 'warn' },
  // Both pod-label and sdk-environment warn when no pod runs: one finding stands for the two.
  'no-pods': { checkpoint: 'pod-label', also: ['sdk-environment'], answer: 'warn' },
  'sa-not-found': { checkpoint: 'service-account', answer: 'fail' },
  'sa-no-client-id': { checkpoint: 'service-account', answer: 'fail' },
  'sa-annotation-typo': { checkpoint: 'service-account', answer: 'fail' },
  'sa-client-id-not-guid': { checkpoint: 'service-account', answer: 'fail' },
  'pods-not-injected': { checkpoint: 'sdk-environment', answer: 'fail' },
  'pods-lack-client-id': { checkpoint: 'sdk-environment', answer: 'fail' },
  'pods-injected-without-client-id': { checkpoint: 'sdk-environment', answer: 'warn' },
  'token-audience': { checkpoint: 'sdk-environment', answer: 'fail' },
  'credential-env': { checkpoint: 'sdk-environment', answer: 'fail' },
  'client-id-hardcoded': { checkpoint: 'sdk-environment', answer: 'fail' },
} as const satisfies Record<string, { checkpoint: CheckpointId; also?: readonly CheckpointId[]; answer: 'fail' | 'warn' }>;

export type FindingId = keyof typeof FINDINGS;

/** The tree's level for a checkpoint's answer: the same icon and severity as the report's. */
export function levelOfAnswer(answer: 'fail' | 'warn'): 'error' | 'warning' {
  return answer === 'fail' ? 'error' : 'warning';
}

export interface StatusFinding {
  level: StatusLevel;
  /** One sentence for the tooltip and the expanded node. */
  message: string;
  checkpoint: CheckpointId;
  /** A few words for the node's description, when this finding names the status. */
  short: string;
  /** Which problem (a row of FINDINGS); absent for what is right (ok) and what the tree leaves to the diagnosis (muted). */
  id?: FindingId;
}

export interface WorkloadStatus {
  level: StatusLevel;
  short: string;
  findings: StatusFinding[];
  /** Worked out without the pods (still being listed): what needs them is not judged yet. */
  pending?: true;
}

export interface WorkloadStatusInput {
  workload: KubeObject;
  kind: TreeWorkloadKind;
  /** The workload's current pods (see podsOf). */
  pods: Pod[];
  /** The pods are still being listed: judge only what the workload and its ServiceAccount say. */
  podsPending?: boolean;
  /** Its ServiceAccount; null: it does not exist; undefined: not known (not listed, or forbidden). */
  serviceAccount: KubeObject | null | undefined;
  /** Its Namespace object, for the control-plane exclusion (kube-system is recognised by name). */
  namespace?: KubeObject;
  /** Whether the webhook is up; undefined: not known. */
  webhookUp?: boolean;
}

const RANK: Record<StatusLevel, number> = { error: 3, warning: 2, ok: 1, muted: 0 };

function asWorkload(workload: KubeObject, kind: TreeWorkloadKind): Workload {
  return toWorkload({ namespace: workload.metadata.namespace ?? '', kind, name: workload.metadata.name }, workload);
}

/** The workload's current pods among its namespace's pods (and Jobs, for a CronJob), as the diagnosis finds them. */
export function podsOf(workload: KubeObject, kind: TreeWorkloadKind, allPodsOfNamespace: readonly Pod[], jobsOfNamespace?: readonly KubeObject[]): Pod[] {
  return podsOfWorkload(asWorkload(workload, kind), allPodsOfNamespace, jobsOfNamespace);
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function workloadStatus(input: WorkloadStatusInput): WorkloadStatus {
  const w = asWorkload(input.workload, input.kind);
  const findings: StatusFinding[] = [];
  const problem = (id: FindingId, short: string, message: string): void => {
    const { checkpoint, answer } = FINDINGS[id];
    findings.push({ level: levelOfAnswer(answer), message: flat(message), checkpoint, short: flat(short), id });
  };
  const note = (level: 'ok' | 'muted', checkpoint: CheckpointId, short: string, message: string): void => {
    findings.push({ level, message: flat(message), checkpoint, short: flat(short) });
  };
  const label = useLabelState(w);
  const sa = input.serviceAccount;
  const cid = sa ? clientIdState(sa) : undefined;
  const saName = `${w.ref.namespace}/${w.serviceAccountName}`;

  // Not using Workload Identity: nothing to judge. (A diagnosis of it fails pod-label: it is asked
  // to check a workload as one that should use Workload Identity; the tree only lists it.)
  if (label.state === 'none' && (!cid || cid.state === 'missing')) {
    return { level: 'muted', short: 'not using Workload Identity', findings: [{ level: 'muted', checkpoint: 'pod-label', short: 'not using Workload Identity', message: flat(`No ${USE_LABEL} label, and ${sa ? `ServiceAccount ${saName} has no client-id` : sa === null ? `ServiceAccount ${saName} does not exist` : `ServiceAccount ${saName} is not known`}.`) }] };
  }

  // webhook: up, and acting on this namespace.
  if (input.webhookUp === false) problem('webhook-down', 'webhook down', 'The Workload Identity webhook is not running: no pod gets a token, and labelled pods may be refused.');
  const excluded = namespaceExcluded(w.ref.namespace, input.namespace?.metadata.labels ?? {});
  if (excluded) problem('namespace-excluded', 'namespace excluded', `AKS never sends pods of namespace "${w.ref.namespace}" to the webhook (${excluded}).`);

  // pod-label: every place but the template's label fails it, as the webhook injects nothing.
  const kindName = w.ref.kind;
  if (label.state === 'template') note('ok', 'pod-label', 'labelled', `The pod template carries ${USE_LABEL}: "true".`);
  else if (label.state === 'workload-only') problem('label-on-workload', `label on the ${kindName}, not the template`, `The label ${USE_LABEL} is on the ${kindName}'s own metadata, not on its pod template: the webhook only reads pod labels, so nothing is injected.`);
  else if (label.state === 'annotation') problem('label-as-annotation', 'use set as an annotation, not a label', `${USE_LABEL} is a pod-template annotation; the webhook only matches it as a label, so nothing is injected.`);
  else if (label.state === 'wrong-value') problem('label-wrong-value', `use label is "${label.value}"`, `The pod template's label ${USE_LABEL} is "${label.value}", not "true": nothing is injected.`);
  else problem('label-missing', 'pod template not labelled', `ServiceAccount ${saName} is annotated for Workload Identity, but the pod template has no ${USE_LABEL}: "true" label, so nothing is injected.`);

  const podsKnown = !input.podsPending;
  const unlabelled = label.state === 'template' && podsKnown ? unlabelledPods(input.pods) : [];
  if (unlabelled.length) problem('pods-predate-label', 'pods predate the label', `${unlabelled.length} of ${input.pods.length} pods were created from an older template without the label: ${unlabelled.join(', ')}.`);
  // Immutable once created: pod-label warns, since taking it out later needs a delete and re-create.
  const selector = (w.object.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels;
  if (label.state === 'template' && selector?.[USE_LABEL] !== undefined) problem('label-in-selector', 'use label in the selector', `${USE_LABEL} is also in the ${kindName}'s spec.selector.matchLabels, which is immutable: removing it later needs a delete and re-create.`);
  if (label.state === 'template' && podsKnown && !input.pods.length) problem('no-pods', 'no pods running', `No pod of the ${kindName} is running${kindName === 'CronJob' ? ' (no Job of it is)' : ''}: whether pods get the token shows once one runs.`);

  // service-account.
  if (sa === null) problem('sa-not-found', 'ServiceAccount missing', `ServiceAccount ${saName} does not exist: new pods are rejected.`);
  else if (cid?.state === 'missing') problem('sa-no-client-id', 'no client ID on the ServiceAccount', `ServiceAccount ${saName} has no ${CLIENT_ID} annotation, so pods get no AZURE_CLIENT_ID.`);
  else if (cid?.state === 'typo') problem('sa-annotation-typo', `misspelled annotation: ${cid.key.split('/').pop()}`, `ServiceAccount ${saName} has "${cid.key}" instead of "${CLIENT_ID}": the webhook ignores it.`);
  else if (cid?.state === 'not-guid') problem('sa-client-id-not-guid', 'client ID is not a GUID', `The client-id annotation of ServiceAccount ${saName}, ${JSON.stringify(cid.value)}, is not a GUID.`);
  else if (cid?.state === 'ok') note('ok', 'service-account', 'ServiceAccount annotated', `ServiceAccount ${saName} has client-id ${cid.clientId}.`);

  // sdk-environment: injection of the labelled pods, credential variables, a hard-coded client ID.
  const saClientId = sa?.metadata.annotations?.[CLIENT_ID];
  if (label.state === 'template' && !podsKnown) note('muted', 'sdk-environment', 'checking pods…', 'The pods are still being listed: whether they were injected shows once they are.');
  if (label.state === 'template' && podsKnown) {
    const labelled = input.pods.filter((p) => !unlabelled.includes(p.metadata.name));
    const injections = labelled.map((p) => ({ pod: p, ...podInjection(p, !!saClientId) }));
    const names = (xs: typeof injections): string => xs.map((i) => i.pod.metadata.name).join(', ');
    const notInjected = injections.filter((i) => i.state === 'not-injected');
    const noClientId = injections.filter((i) => i.state === 'injected-without-client-id');
    // Injected while the ServiceAccount has no client ID: service-account fails for that; sdk-environment warns.
    const incomplete = injections.filter((i) => i.state === 'injected' && i.missing.size > 0);
    const badAudience = injections.filter((i) => i.state !== 'not-injected' && i.volume && i.volume.audience !== TOKEN_AUDIENCE);
    if (notInjected.length) problem('pods-not-injected', 'pods not injected', `${count(notInjected.length, 'labelled pod was', 'labelled pods were')} not injected: ${names(notInjected)}.`);
    if (noClientId.length) problem('pods-lack-client-id', 'pods lack AZURE_CLIENT_ID', `${count(noClientId.length, 'pod was', 'pods were')} created before the ServiceAccount got its client-id: ${names(noClientId)}.`);
    if (incomplete.length) problem('pods-injected-without-client-id', 'injected without AZURE_CLIENT_ID', `${count(incomplete.length, 'pod was', 'pods were')} injected without ${[...new Set(incomplete.flatMap((i) => [...i.missing]))].join(', ')}${saClientId ? '' : ' (the ServiceAccount has no client-id to inject)'}: ${names(incomplete)}.`);
    for (const i of badAudience) problem('token-audience', `token audience ${i.volume!.audience}`, `The token volume of pod ${i.pod.metadata.name} has audience ${i.volume!.audience}, not ${TOKEN_AUDIENCE}.`);
    const injected = injections.filter((i) => i.state === 'injected').length;
    if (injected) note('ok', 'sdk-environment', 'injected', `${injected} of ${input.pods.length} pods injected.`);
  }
  const creds = credentialEnv(w.template);
  for (const c of creds.set) problem('credential-env', `${c.name} set`, `Container ${c.container} sets ${c.name}, so DefaultAzureCredential uses EnvironmentCredential and never tries Workload Identity.`);
  for (const h of hardcodedClientIds(w.template, saClientId)) problem('client-id-hardcoded', 'AZURE_CLIENT_ID hard-coded', `Container ${h.container} hard-codes AZURE_CLIENT_ID=${h.value}, which wins over the ServiceAccount's ${saClientId}.`);
  for (const f of creds.envFrom) if (f.kind === 'Secret') note('muted', 'sdk-environment', 'envFrom not checked', `Container ${f.container} imports ${f.kind} ${f.name} with envFrom; the diagnosis checks its keys for credential variables.`);

  // The first finding of the worst level names the status (findings are in the diagnosis's order).
  const worst = findings.reduce<StatusLevel>((m, f) => (RANK[f.level] > RANK[m] ? f.level : m), 'muted');
  const pending = podsKnown ? {} : { pending: true as const };
  if (worst === 'error' || worst === 'warning') return { level: worst, short: findings.find((f) => f.level === worst)!.short, findings, ...pending };
  if (!podsKnown) return { level: 'ok', short: 'checking pods…', findings, pending: true };
  return { level: 'ok', short: 'injected', findings };
}

// A workload's Workload Identity status for the sidebar tree: the diagnosis's cluster checks
// (src/checkpoints/evaluate.ts) applied to objects already in the informers' caches, with no
// request of its own. What needs a read the tree does not make (envFrom Secrets' keys, the
// projected token, the logs, Azure) is left to the full diagnosis.
//
//   ok       wired and injected
//   error    wired but broken: the first broken link names the short description
//   warning  partly wired (the label on the workload, not its pod template)
//   muted    not using Workload Identity (no label anywhere, no client-id on its ServiceAccount)

import type { WorkloadKind } from '../cluster/resources';
import type { KubeObject, Pod } from '../cluster/types';
import { podsOf as podsOfWorkload, toWorkload, type Workload } from '../checkpoints/context';
import { clientIdState, credentialEnv, hardcodedClientIds, namespaceExcluded, podInjection, unlabelledPods, useLabelState } from '../checkpoints/evaluate';
import type { CheckpointId } from '../checkpoints/types';
import { CLIENT_ID, USE_LABEL } from '../manifests/workload-identity';

export type TreeWorkloadKind = Exclude<WorkloadKind, 'Pod'>;
export type StatusLevel = 'ok' | 'error' | 'warning' | 'muted';

export interface StatusFinding {
  level: StatusLevel;
  /** One sentence for the tooltip and the expanded node. */
  message: string;
  checkpoint: CheckpointId;
  /** A few words for the node's description, when this finding names the status. */
  short: string;
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

export function workloadStatus(input: WorkloadStatusInput): WorkloadStatus {
  const w = asWorkload(input.workload, input.kind);
  const findings: StatusFinding[] = [];
  const add = (level: StatusLevel, checkpoint: CheckpointId, short: string, message: string): void => {
    findings.push({ level, message, checkpoint, short });
  };
  const label = useLabelState(w);
  const sa = input.serviceAccount;
  const cid = sa ? clientIdState(sa) : undefined;
  const saName = `${w.ref.namespace}/${w.serviceAccountName}`;

  // Not using Workload Identity: nothing to judge.
  if (label.state === 'none' && (!cid || cid.state === 'missing')) {
    return { level: 'muted', short: 'not using Workload Identity', findings: [{ level: 'muted', checkpoint: 'pod-label', short: 'not using Workload Identity', message: `No ${USE_LABEL} label, and ${sa ? `ServiceAccount ${saName} has no client-id` : sa === null ? `ServiceAccount ${saName} does not exist` : `ServiceAccount ${saName} is not known`}.` }] };
  }

  // webhook: up, and acting on this namespace.
  if (input.webhookUp === false) add('error', 'webhook', 'webhook down', 'The Workload Identity webhook is not running: no pod gets a token, and labelled pods may be refused.');
  const excluded = namespaceExcluded(w.ref.namespace, input.namespace?.metadata.labels ?? {});
  if (excluded) add('error', 'webhook', 'namespace excluded', `AKS never sends pods of namespace "${w.ref.namespace}" to the webhook (${excluded}).`);

  // pod-label.
  const kindName = w.ref.kind;
  if (label.state === 'template') add('ok', 'pod-label', 'labelled', `The pod template carries ${USE_LABEL}: "true".`);
  else if (label.state === 'workload-only') add('warning', 'pod-label', `label on the ${kindName}, not the template`, `The label ${USE_LABEL} is on the ${kindName}'s own metadata, not on its pod template: the webhook only reads pod labels.`);
  else if (label.state === 'annotation') add('warning', 'pod-label', 'use is an annotation, not a label', `${USE_LABEL} is a pod-template annotation; the webhook only matches it as a label.`);
  else if (label.state === 'wrong-value') add('error', 'pod-label', `use label is "${label.value}"`, `The pod template's label ${USE_LABEL} is "${label.value}", not "true": nothing is injected.`);
  else add('warning', 'pod-label', 'no use label on the template', `ServiceAccount ${saName} is annotated for Workload Identity, but the pod template has no ${USE_LABEL}: "true" label.`);

  const podsKnown = !input.podsPending;
  const unlabelled = label.state === 'template' && podsKnown ? unlabelledPods(input.pods) : [];
  if (unlabelled.length) add('error', 'pod-label', 'pods predate the label', `${unlabelled.length} of ${input.pods.length} pods were created from an older template without the label: ${unlabelled.join(', ')}.`);

  // service-account.
  if (sa === null) add('error', 'service-account', 'SA not found', `ServiceAccount ${saName} does not exist: new pods are rejected.`);
  else if (cid?.state === 'missing') add('error', 'service-account', 'SA has no client-id', `ServiceAccount ${saName} has no ${CLIENT_ID} annotation, so pods get no AZURE_CLIENT_ID.`);
  else if (cid?.state === 'typo') add('error', 'service-account', `SA annotation typo: ${cid.key.split('/').pop()}`, `ServiceAccount ${saName} has "${cid.key}" instead of "${CLIENT_ID}": the webhook ignores it.`);
  else if (cid?.state === 'not-guid') add('error', 'service-account', 'SA client-id is not a GUID', `ServiceAccount ${saName}'s client-id ${JSON.stringify(cid.value)} is not a GUID.`);
  else if (cid?.state === 'ok') add('ok', 'service-account', 'SA annotated', `ServiceAccount ${saName} has client-id ${cid.clientId}.`);

  // sdk-environment: injection of the labelled pods, credential variables, a hard-coded client ID.
  const saClientId = sa?.metadata.annotations?.[CLIENT_ID];
  if (label.state === 'template' && !podsKnown) add('muted', 'sdk-environment', 'checking pods…', 'The pods are still being listed: whether they were injected shows once they are.');
  if (label.state === 'template' && podsKnown) {
    const labelled = input.pods.filter((p) => !unlabelled.includes(p.metadata.name));
    const injections = labelled.map((p) => ({ pod: p.metadata.name, ...podInjection(p, !!saClientId) }));
    const notInjected = injections.filter((i) => i.state === 'not-injected').map((i) => i.pod);
    const noClientId = injections.filter((i) => i.state === 'injected-without-client-id').map((i) => i.pod);
    if (notInjected.length) add('error', 'sdk-environment', 'pods not injected', `${notInjected.length} labelled ${notInjected.length === 1 ? 'pod was' : 'pods were'} not injected: ${notInjected.join(', ')}.`);
    if (noClientId.length) add('error', 'sdk-environment', 'pods lack AZURE_CLIENT_ID', `${noClientId.length} ${noClientId.length === 1 ? 'pod was' : 'pods were'} created before the ServiceAccount got its client-id: ${noClientId.join(', ')}.`);
    const injected = injections.filter((i) => i.state === 'injected').length;
    if (injected) add('ok', 'sdk-environment', 'injected', `${injected} of ${input.pods.length} pods injected.`);
  }
  const creds = credentialEnv(w.template);
  for (const c of creds.set) add('error', 'sdk-environment', `${c.name} set`, `Container ${c.container} sets ${c.name}: DefaultAzureCredential uses EnvironmentCredential and never tries Workload Identity.`);
  for (const h of hardcodedClientIds(w.template, saClientId)) add('error', 'sdk-environment', 'AZURE_CLIENT_ID hard-coded', `Container ${h.container} hard-codes AZURE_CLIENT_ID=${h.value}, which wins over the ServiceAccount's ${saClientId}.`);
  for (const f of creds.envFrom) if (f.kind === 'Secret') add('muted', 'sdk-environment', 'envFrom not checked', `Container ${f.container} imports ${f.kind} ${f.name} with envFrom; the diagnosis checks its keys for credential variables.`);

  // The first finding of the worst level names the status (findings are in the diagnosis's order).
  const worst = findings.reduce<StatusLevel>((m, f) => (RANK[f.level] > RANK[m] ? f.level : m), 'muted');
  const pending = podsKnown ? {} : { pending: true as const };
  if (worst === 'error' || worst === 'warning') return { level: worst, short: findings.find((f) => f.level === worst)!.short, findings, ...pending };
  if (!podsKnown) return { level: 'ok', short: 'checking pods…', findings, pending: true };
  if (label.state === 'template' && input.pods.length === 0) return { level: 'ok', short: 'wired, no pods', findings };
  return { level: 'ok', short: 'injected', findings };
}

// The pure judgements the cluster checkpoints rest on, shared with the sidebar tree's status
// (src/tree/workload-status.ts): given objects already read, what state is the wiring in. No
// reads, no messages: the checkpoints word their evidence, the tree its short descriptions.

import type { Container, EnvVar, KubeObject, Pod, PodTemplate } from '../cluster/types';
import { isGuid } from '../manifests/placeholders';
import { CLIENT_ID, CREDENTIAL_ENV, SKIP_CONTAINERS, USE_LABEL } from '../manifests/workload-identity';
import { editDistance } from '../util/edit-distance';
import type { Workload } from '../cluster/workloads';

/** The variables the webhook injects into every container it does not skip. */
export const INJECTED_ENV = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_AUTHORITY_HOST'] as const;

// ---- pod-label -----------------------------------------------------------------------------

/**
 * Where `azure.workload.identity/use` is, in the order pod-label judges it:
 *   template       "true" on the pod template (the only place the webhook reads)
 *   wrong-value    on the template with another value
 *   workload-only  not on the template, but on the workload's own metadata
 *   annotation     not a label anywhere, but a pod-template annotation
 *   none           nowhere
 */
export type UseLabelState =
  | { state: 'template' }
  | { state: 'wrong-value'; value: string }
  | { state: 'workload-only'; value: string }
  | { state: 'annotation'; value: string }
  | { state: 'none' };

export function useLabelState(w: Workload): UseLabelState {
  const value = w.template.metadata?.labels?.[USE_LABEL];
  if (value === 'true') return { state: 'template' };
  if (value !== undefined) return { state: 'wrong-value', value };
  const onWorkload = w.ref.kind !== 'Pod' ? w.object.metadata.labels?.[USE_LABEL] : undefined;
  if (onWorkload !== undefined) return { state: 'workload-only', value: onWorkload };
  const asAnnotation = w.template.metadata?.annotations?.[USE_LABEL];
  if (asAnnotation !== undefined) return { state: 'annotation', value: asAnnotation };
  return { state: 'none' };
}

/** The names of the pods without the label (created from an older template). */
export function unlabelledPods(pods: readonly Pod[]): string[] {
  return pods.filter((p) => p.metadata.labels?.[USE_LABEL] !== 'true').map((p) => p.metadata.name);
}

// ---- service-account -----------------------------------------------------------------------

export type ClientIdState =
  | { state: 'missing' }
  /** A key that looks like the client-id annotation misspelt (`client_id`, `clientId`...). */
  | { state: 'typo'; key: string; value: string }
  | { state: 'not-guid'; value: string }
  | { state: 'ok'; clientId: string };

export function clientIdState(sa: KubeObject): ClientIdState {
  const annotations = sa.metadata.annotations ?? {};
  const clientId = annotations[CLIENT_ID];
  if (clientId === undefined) {
    const typo = Object.keys(annotations).find((k) => k !== CLIENT_ID && looksLikeClientIdKey(k));
    return typo ? { state: 'typo', key: typo, value: annotations[typo]! } : { state: 'missing' };
  }
  return isGuid(clientId) ? { state: 'ok', clientId } : { state: 'not-guid', value: clientId };
}

/** `azure.workload.identity/client_id`, `.../clientId`, `azure.workload.identities/client-id`, `client-id` alone... */
export function looksLikeClientIdKey(key: string): boolean {
  const k = key.toLowerCase();
  if (editDistance(k, CLIENT_ID) <= 3) return true;
  const [prefix, rest] = k.includes('/') ? [k.slice(0, k.indexOf('/') + 1), k.slice(k.indexOf('/') + 1)] : ['', k];
  const normalized = rest.replace(/[_\s]/g, '-').replace(/clientid/, 'client-id');
  return normalized === 'client-id' && (prefix === '' || editDistance(prefix, 'azure.workload.identity/') <= 3);
}

// ---- sdk-environment -----------------------------------------------------------------------

export function allContainers(p: { spec: Pod['spec'] }): Container[] {
  return [...(p.spec.initContainers ?? []), ...(p.spec.containers ?? [])];
}

/** The containers named in the skip-containers annotation. */
export function skippedContainers(p: { metadata?: { annotations?: Record<string, string> } }): Set<string> {
  const v = p.metadata?.annotations?.[SKIP_CONTAINERS];
  return new Set((v ?? '').split(';').map((s) => s.trim()).filter(Boolean));
}

/** The projected serviceAccountToken volume the webhook adds (any name: it changed in v1.6.0). */
export function tokenVolume(pod: Pod): { name: string; audience: string } | undefined {
  for (const v of pod.spec.volumes ?? []) {
    const src = v.projected?.sources?.find((s) => s.serviceAccountToken?.audience);
    if (src?.serviceAccountToken) return { name: v.name, audience: src.serviceAccountToken.audience ?? '' };
  }
  return undefined;
}

export interface PodInjection {
  /**
   *   not-injected                 no projected token volume and no AZURE_FEDERATED_TOKEN_FILE
   *   injected-without-client-id   injected, but without AZURE_CLIENT_ID although the SA has one now
   *   injected                     injected (`missing` may still name variables)
   */
  state: 'not-injected' | 'injected-without-client-id' | 'injected';
  /** Injected variables some non-skipped container lacks. */
  missing: Set<string>;
  volume: { name: string; audience: string } | undefined;
  /** The containers the webhook acts on (not skipped). */
  containers: Container[];
}

/** Whether the webhook mutated this pod; `saHasClientId`: its ServiceAccount carries a client-id annotation now. */
export function podInjection(pod: Pod, saHasClientId: boolean): PodInjection {
  const skip = skippedContainers(pod);
  const containers = allContainers(pod).filter((c) => !skip.has(c.name));
  const missing = new Set<string>();
  // An empty AZURE_CLIENT_ID is none: webhooks up to v1.5.0 injected it empty when the ServiceAccount had no client-id annotation (upstream issue 1555).
  for (const c of containers) for (const n of INJECTED_ENV) if (!c.env?.some((e) => e.name === n && !emptyClientId(e))) missing.add(n);
  const volume = tokenVolume(pod);
  const state = !volume && missing.has('AZURE_FEDERATED_TOKEN_FILE') ? 'not-injected' : missing.has('AZURE_CLIENT_ID') && saHasClientId ? 'injected-without-client-id' : 'injected';
  return { state, missing, volume, containers };
}

/** An AZURE_CLIENT_ID set to "" (no client ID): what webhooks up to v1.5.0 injected without a client-id annotation. */
export function emptyClientId(e: EnvVar): boolean {
  return e.name === 'AZURE_CLIENT_ID' && e.value === '' && !e.valueFrom;
}

/** An env entry that makes DefaultAzureCredential choose EnvironmentCredential. */
export function isCredentialEnv(name: string): boolean {
  return (CREDENTIAL_ENV as readonly string[]).includes(name);
}

/** A hard-coded AZURE_CLIENT_ID that differs from the ServiceAccount's (which it would win over). */
export function overridesClientId(e: EnvVar, saClientId: string | undefined): boolean {
  return e.name === 'AZURE_CLIENT_ID' && e.value !== undefined && !!saClientId && e.value.trim().toLowerCase() !== saClientId.trim().toLowerCase();
}

/** The containers of a template the webhook acts on (the skip-containers annotation honoured). */
export function templateContainers(template: PodTemplate): Container[] {
  const skip = skippedContainers({ metadata: template.metadata ?? { name: '' } });
  return allContainers(template).filter((c) => !skip.has(c.name));
}

/**
 * The credential variables a template sets through env (value or valueFrom), by container.
 * envFrom sources are not opened (that needs a read): `envFrom` lists them, unchecked.
 */
export function credentialEnv(template: PodTemplate): { set: { container: string; name: string; env: EnvVar }[]; envFrom: { container: string; kind: 'Secret' | 'ConfigMap'; name: string }[] } {
  const set: { container: string; name: string; env: EnvVar }[] = [];
  const envFrom: { container: string; kind: 'Secret' | 'ConfigMap'; name: string }[] = [];
  for (const c of templateContainers(template)) {
    for (const e of c.env ?? []) if (isCredentialEnv(e.name)) set.push({ container: c.name, name: e.name, env: e });
    for (const src of c.envFrom ?? []) {
      const ref = src.secretRef ?? src.configMapRef;
      if (ref) envFrom.push({ container: c.name, kind: src.secretRef ? 'Secret' : 'ConfigMap', name: ref.name });
    }
  }
  return { set, envFrom };
}

/** Containers that hard-code an AZURE_CLIENT_ID other than the ServiceAccount's. */
export function hardcodedClientIds(template: PodTemplate, saClientId: string | undefined): { container: string; value: string }[] {
  return templateContainers(template).flatMap((c) => (c.env ?? []).filter((e) => overridesClientId(e, saClientId)).map((e) => ({ container: c.name, value: e.value! })));
}

// ---- webhook -------------------------------------------------------------------------------

/** Why AKS never sends this namespace's pods to the webhook, or undefined when it does. */
export function namespaceExcluded(nsName: string, nsLabels: Record<string, string>): string | undefined {
  if (nsName === 'kube-system') return 'it is kube-system';
  if (nsLabels['control-plane'] !== undefined) return `it is labelled control-plane=${nsLabels['control-plane']}`;
  return undefined;
}

// The identity graph's join: a consumer's use of an identity (types.ts) with the world it runs in
// — the workspace's objects (src/manifests/identity-world.ts) or the cluster's — to name WHOSE
// ServiceAccount token reaches Entra, which pod must carry the label, and which client ID and
// tenant are used. When the world cannot show it (the controller is not in the workspace, no pod
// mounts the class), the answer says what it assumed or that it cannot know.

import { CONTROLLERS, subjectOf, type ControllerId } from './controllers';
import type { ConsumerUse, Written } from './types';

/** A ServiceAccount as the graph needs it. */
export interface ServiceAccountFacts {
  readonly name: string;
  readonly namespace: string;
  readonly clientId?: string;
  readonly tenantId?: string;
}

/** A workload (or pod) as the graph needs it. */
export interface PodOwner {
  readonly kind: string;
  readonly name: string | undefined;
  readonly namespace: string;
  /** The ServiceAccount its pods run as (`default` when it names none). */
  readonly serviceAccount: string;
  /** Its pod template carries `azure.workload.identity/use: "true"`; undefined when that cannot be known (a Helm value). */
  readonly labelled: boolean | undefined;
}

/** What the graph may look up; the workspace and the cluster each implement it. */
export interface IdentityWorld {
  /** "this workspace", "the cluster": how answers name where they looked. */
  readonly where: string;
  serviceAccount(name: string, namespace: string): ServiceAccountFacts | undefined;
  /** Workloads whose pods mount the SecretProviderClass `name` in `namespace`. */
  podsMounting(name: string, namespace: string): readonly PodOwner[];
  /** The controller's workloads (by image). */
  controllers(id: ControllerId): readonly PodOwner[];
  /** Workloads in `namespace` whose pods run a Dapr sidecar with one of `appIds` (any app ID when empty). */
  daprApps(namespace: string, appIds: readonly string[]): readonly PodOwner[];
}

/** One ServiceAccount whose token is exchanged. */
export interface TokenSubject {
  readonly serviceAccount: string;
  /** Undefined: the namespace of each user (ESO referent authentication). */
  readonly namespace: string | undefined;
  /** `system:serviceaccount:<ns>:<name>`, when the namespace is known. */
  readonly subject: string | undefined;
  /** The pod that must carry the label, when one must and the world shows it. */
  readonly pod?: PodOwner;
  /** The ServiceAccount as the world shows it (its annotations), when it does. */
  readonly facts?: ServiceAccountFacts;
  /** A default installation's name, not seen in the world. */
  readonly assumed: boolean;
}

export interface ResolvedIdentity {
  readonly use: ConsumerUse;
  /** One sentence, first in every report: whose identity is in play. */
  readonly summary: string;
  readonly subjects: readonly TokenSubject[];
  /** The client ID in effect and where it comes from; undefined when nothing names one. */
  readonly clientId?: Written;
  readonly tenantId?: Written;
}

/** How a sentence names the object: "this SecretProviderClass", "ClusterIssuer letsencrypt". */
function named(use: ConsumerUse): string {
  return `${use.kind} ${use.name ?? '(unnamed)'}`;
}

function saFrom(world: IdentityWorld, name: string, namespace: string, pod?: PodOwner, assumed = false): TokenSubject {
  return { serviceAccount: name, namespace, subject: subjectOf(namespace, name), pod, facts: world.serviceAccount(name, namespace), assumed };
}

/** Whose token a consumer's use exchanges, in `world`. */
export function resolveIdentity(use: ConsumerUse, world: IdentityWorld): ResolvedIdentity {
  const token = use.token;
  let subjects: TokenSubject[] = [];
  let summary: string;
  const who = named(use);
  if (!use.workloadIdentity || !token) {
    summary = `${who} does not use Workload Identity: it authenticates with ${use.mode}.`;
  } else if (token.via === 'mounting-pods') {
    const pods = world.podsMounting(use.name ?? '', use.namespace ?? 'default');
    subjects = dedupe(pods.map((p) => saFrom(world, p.serviceAccount, p.namespace, p)));
    const names = subjects.map((s) => s.serviceAccount);
    summary = names.length === 0
      ? `${who} authenticates as the ServiceAccount of each pod that mounts it; no pod in ${world.where} mounts it.`
      : `${who} authenticates as the ServiceAccount${names.length === 1 ? '' : 's'} ${names.join(', ')} of the pods that mount it (namespace ${use.namespace ?? 'default'}).`;
  } else if (token.via === 'service-account') {
    if (token.namespace === undefined) {
      subjects = [{ serviceAccount: token.name, namespace: undefined, subject: undefined, assumed: false }];
      summary = `${who} authenticates as the ServiceAccount ${token.name} in the namespace of each ExternalSecret that uses it (${token.field}).`;
    } else {
      subjects = [saFrom(world, token.name, token.namespace)];
      summary = `${who} authenticates as the ServiceAccount ${token.name} in ${token.namespace} (${token.field}).`;
    }
  } else if (token.via === 'controller') {
    const c = CONTROLLERS[token.controller];
    const seen = world.controllers(token.controller);
    subjects = seen.length
      ? dedupe(seen.map((p) => saFrom(world, p.serviceAccount, p.namespace, p)))
      : [saFrom(world, c.serviceAccount, c.namespace, undefined, true)];
    const s = subjects[0];
    summary = `${who} authenticates as ${c.title}: ServiceAccount ${s.serviceAccount} in ${s.namespace ?? '?'}${s.assumed ? ` (a default installation's; ${c.title} is not in ${world.where})` : ''}${use.labelNeeded ? ', whose pod must carry the azure.workload.identity/use label' : ''}.`;
  } else {
    const ns = use.namespace ?? 'default';
    const apps = world.daprApps(ns, token.appIds);
    subjects = dedupe(apps.map((p) => saFrom(world, p.serviceAccount, p.namespace, p)));
    const scope = token.appIds.length ? `scopes: ${token.appIds.join(', ')}` : `no scopes: every Dapr app in ${ns}`;
    const names = subjects.map((s) => s.serviceAccount);
    summary = names.length === 0
      ? `${who} authenticates as the ServiceAccount of each Dapr app that loads it (${scope}); no such app runs in ${world.where}.`
      : `${who} authenticates as the ServiceAccount${names.length === 1 ? '' : 's'} ${names.join(', ')} of the Dapr app${apps.length === 1 ? '' : 's'} that load${apps.length === 1 ? 's' : ''} it (${scope}); their pods must carry the azure.workload.identity/use label.`;
  }
  const facts = subjects.find((s) => s.facts)?.facts;
  const clientId = use.clientId ?? (facts?.clientId ? { value: facts.clientId, field: `the ServiceAccount ${facts.namespace}/${facts.name}'s azure.workload.identity/client-id annotation` } : undefined);
  const tenantId = use.tenantId ?? (facts?.tenantId ? { value: facts.tenantId, field: `the ServiceAccount ${facts.namespace}/${facts.name}'s azure.workload.identity/tenant-id annotation` } : undefined);
  return { use, summary, subjects, clientId, tenantId };
}

function dedupe(list: TokenSubject[]): TokenSubject[] {
  const seen = new Set<string>();
  return list.filter((s) => {
    const k = `${s.namespace}/${s.serviceAccount}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}


// Pod admission as the API server runs it on create: defaulting, the ServiceAccount plugin
// (the account must exist; the kube-api-access volume is mounted), then the mutating
// webhooks, of which only the Workload Identity one is simulated. Controllers, the API
// handler and the scenario builders all create pods through here, so a scenario's pods look
// exactly like pods the webhook really mutated.

import { createHash } from 'node:crypto';
import { defaultPod } from './defaults';
import type { KubeObject, Store } from './store';
import { runWebhook, type Admission, type WebhookState } from './wi-webhook';

type Json = Record<string, any>;

export const API_ACCESS_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The kube-api-access-xxxxx volume name; deterministic per pod so fixtures are stable. */
function apiAccessVolumeName(pod: KubeObject): string {
  const seed = `${pod.metadata.namespace}/${pod.metadata.name || pod.metadata.generateName}`;
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const h = createHash('sha256').update(seed).digest();
  return `kube-api-access-${[...h.subarray(0, 5)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

function mountApiAccess(pod: KubeObject, automount: boolean): void {
  const spec = pod.spec as Json;
  if (!automount || (spec.volumes ?? []).some((v: Json) => String(v.name).startsWith('kube-api-access-'))) return;
  const name = apiAccessVolumeName(pod);
  spec.volumes ??= [];
  spec.volumes.push({
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
      ],
    },
  });
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Json[]) {
    c.volumeMounts ??= [];
    if (!c.volumeMounts.some((m: Json) => m.mountPath === API_ACCESS_MOUNT)) c.volumeMounts.push({ name, mountPath: API_ACCESS_MOUNT, readOnly: true });
  }
}

export interface AdmitOptions {
  /** Skip the Workload Identity webhook (controllers off: a static cluster). */
  webhook?: boolean;
  /** Reuse a state computed once for many pods. */
  webhookState?: WebhookState;
}

/** Admit a pod for creation: the result is the pod to store, or why the API server refuses it. */
export function admitPod(store: Store, input: KubeObject, opts: AdmitOptions = {}): Admission {
  const pod = structuredClone(input);
  defaultPod(pod);
  const ns = pod.metadata.namespace ?? 'default';
  const saName: string = pod.spec.serviceAccountName;
  const sa = store.get('ServiceAccount', ns, saName);
  if (!sa) {
    return {
      allowed: false,
      code: 403,
      reason: 'Forbidden',
      message: `pods "${pod.metadata.name || pod.metadata.generateName}" is forbidden: error looking up service account ${ns}/${saName}: serviceaccount "${saName}" not found`,
    };
  }
  const automount = pod.spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
  mountApiAccess(pod, automount !== false);
  if (opts.webhook === false) return { allowed: true, pod };
  return runWebhook(store, pod, opts.webhookState);
}

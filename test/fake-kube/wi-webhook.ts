// A simulation of the Azure Workload Identity mutating webhook, following
// docs/workload-identity-facts.md: which pods it sees (objectSelector, namespaceSelector,
// the AKS exclusion of kube-system and `control-plane` namespaces), what it injects (env
// only where the container lacks the name, the projected token volume and its mount, at the
// path of the webhook's image version), when it rejects a pod (token expiration out of
// range, proxy sidecar with hostNetwork), and what pod creation fails with when it is down.

import { createHash } from 'node:crypto';
import { matchesLabelSelectorObject } from './selectors';
import type { KubeObject, Store } from './store';

type Json = Record<string, any>;

export const WEBHOOK_CONFIG_NAME = 'azure-wi-webhook-mutating-webhook-configuration';
export const WEBHOOK_NAME = 'mutation.azure-workload-identity.io';
export const WEBHOOK_DEPLOYMENT = 'azure-wi-webhook-controller-manager';
export const WEBHOOK_SERVICE = 'azure-wi-webhook-webhook-service';
export const WEBHOOK_CONFIGMAP = 'azure-wi-webhook-config';

export const USE_LABEL = 'azure.workload.identity/use';
export const CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
export const TENANT_ID_ANNOTATION = 'azure.workload.identity/tenant-id';
export const TOKEN_EXPIRATION_ANNOTATION = 'azure.workload.identity/service-account-token-expiration';
export const SKIP_CONTAINERS_ANNOTATION = 'azure.workload.identity/skip-containers';
export const PROXY_SIDECAR_ANNOTATION = 'azure.workload.identity/inject-proxy-sidecar';
export const PROXY_PORT_ANNOTATION = 'azure.workload.identity/proxy-sidecar-port';
export const TOKEN_AUDIENCE = 'api://AzureADTokenExchange';
/** The AKS suffix of the custom-token-endpoint annotation, and the audience of that mode's token. */
export const IDENTITY_BINDING_ANNOTATION = 'azure.workload.identity/use-identity-binding';
export const IDENTITY_BINDING_AUDIENCE = 'api://AKSIdentityBinding';
const IDENTITY_BINDING_CA_FILE = '/var/run/secrets/azure/wi/ca-cert/ca.crt';
export const TOKEN_FILE_NAME = 'azure-identity-token';

const AUTHORITY_HOSTS: Record<string, string> = {
  AzurePublicCloud: 'https://login.microsoftonline.com/',
  AzureUSGovernmentCloud: 'https://login.microsoftonline.us/',
  AzureChinaCloud: 'https://login.chinacloudapi.cn/',
};

export interface WebhookState {
  /** A MutatingWebhookConfiguration with the WI webhook exists. */
  installed: boolean;
  /** Installed and able to answer (its Deployment has ready replicas and its Service endpoints). */
  up: boolean;
  /** Where it runs (`kube-system` for the AKS add-on). */
  namespace: string;
  serviceName: string;
  /** The image tag of its `manager` container, e.g. `v1.5.1`. */
  version: string;
  tenantId: string;
  environment: string;
  config?: KubeObject;
  /** Why a call to it fails when it is down, e.g. `no endpoints available for service "..."`. */
  downReason?: string;
  /**
   * Identity bindings (custom token endpoint, upstream v1.6.0+ with the feature on, or AKS's
   * v1.6.0-alpha images): the pod annotation's suffix and what the webhook's ConfigMap says the
   * proxy is (AZURE_KUBERNETES_TOKEN_PROXY, AZURE_KUBERNETES_SNI_NAME).
   */
  identityBinding?: { annotation: string; proxy: string; sni: string };
}

/** `v1.6.0` >= `v1.5.1`? Unparsable versions count as the latest. */
export function versionAtLeast(version: string, min: string): boolean {
  const parse = (v: string): number[] => v.replace(/^v/, '').split(/[.-]/).slice(0, 3).map((x) => Number.parseInt(x, 10));
  const a = parse(version);
  const b = parse(min);
  if (a.some(Number.isNaN)) return true;
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** The token mount of a webhook version: v1.6.0 moved it and renamed the volume. */
export function tokenMount(version: string, seed: string): { volumeName: string; mountPath: string } {
  if (versionAtLeast(version, 'v1.6.0')) {
    const hash = createHash('sha256').update(seed).digest('hex').slice(0, 8);
    return { volumeName: `azure-workload-identity-reserved-${hash}`, mountPath: '/var/run/secrets/azure/wi/token' };
  }
  if (versionAtLeast(version, 'v0.8.0')) return { volumeName: 'azure-identity-token', mountPath: '/var/run/secrets/azure/tokens' };
  return { volumeName: 'azure-identity-token', mountPath: '/var/run/secrets/tokens' };
}

export function webhookState(store: Store): WebhookState {
  const config = store.get('MutatingWebhookConfiguration', undefined, WEBHOOK_CONFIG_NAME);
  const hook = (config?.webhooks as Json[] | undefined)?.find((w) => w.name === WEBHOOK_NAME);
  const namespace: string = hook?.clientConfig?.service?.namespace ?? 'kube-system';
  const serviceName: string = hook?.clientConfig?.service?.name ?? WEBHOOK_SERVICE;
  const deploy = store.get('Deployment', namespace, WEBHOOK_DEPLOYMENT);
  const cm = store.get('ConfigMap', namespace, WEBHOOK_CONFIGMAP);
  const image: string = (deploy?.spec?.template?.spec?.containers as Json[] | undefined)?.find((c) => c.name === 'manager')?.image ?? '';
  const version = /:(v[\d.]+[^@]*)/.exec(image)?.[1] ?? 'v1.5.1';
  const state: WebhookState = {
    installed: !!hook,
    up: false,
    namespace,
    serviceName,
    version,
    tenantId: cm?.data?.AZURE_TENANT_ID ?? '',
    environment: cm?.data?.AZURE_ENVIRONMENT ?? 'AzurePublicCloud',
    ...(config ? { config } : {}),
  };
  const proxy = cm?.data?.AZURE_KUBERNETES_TOKEN_PROXY;
  const sni = cm?.data?.AZURE_KUBERNETES_SNI_NAME;
  if (proxy && sni && versionAtLeast(version, 'v1.6.0')) state.identityBinding = { annotation: IDENTITY_BINDING_ANNOTATION, proxy, sni };
  if (!hook) return state;
  const svc = store.get('Service', namespace, serviceName);
  const ep = store.get('Endpoints', namespace, serviceName);
  const readyAddresses = ((ep?.subsets as Json[] | undefined) ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const readyReplicas = deploy ? (deploy.status?.readyReplicas ?? 0) : 1;
  if (!svc) state.downReason = `service "${serviceName}" not found`;
  else if (readyAddresses === 0 || readyReplicas === 0) state.downReason = `no endpoints available for service "${serviceName}"`;
  state.up = !state.downReason;
  return state;
}

/** The message pod creation fails with while the webhook is down (failurePolicy: Fail). */
export function webhookCallFailure(state: WebhookState): string {
  return (
    `Internal error occurred: failed calling webhook "${WEBHOOK_NAME}": failed to call webhook: ` +
    `Post "https://${state.serviceName}.${state.namespace}.svc:443/mutate-v1-pod?timeout=10s": ${state.downReason ?? 'context deadline exceeded'}`
  );
}

/** Does the webhook see this pod at all? (objectSelector, namespaceSelector, AKS exclusions) */
export function webhookMatches(state: WebhookState, pod: KubeObject, namespace: KubeObject | undefined): boolean {
  if (!state.installed) return false;
  const hook = (state.config?.webhooks as Json[]).find((w) => w.name === WEBHOOK_NAME)!;
  if (!matchesLabelSelectorObject(hook.objectSelector, pod.metadata.labels)) return false;
  const nsLabels = namespace?.metadata.labels ?? {};
  if (!matchesLabelSelectorObject(hook.namespaceSelector, nsLabels)) return false;
  // The AKS admissions enforcer keeps every webhook away from these, whatever the selector says.
  const ns = pod.metadata.namespace ?? 'default';
  if (ns === 'kube-system' || 'control-plane' in nsLabels) return false;
  return true;
}

export type Admission = { allowed: true; pod: KubeObject } | { allowed: false; code: number; reason: string; message: string };

export interface InjectOptions {
  /** The ServiceAccount's client-id annotation; undefined when absent. */
  clientId?: string;
  tenantId: string;
  authorityHost: string;
  version: string;
  expirationSeconds: number;
  /** The pod asks for an identity binding and the webhook serves them: the proxy's variables and audience. */
  identityBinding?: { proxy: string; sni: string };
}

/** The mutation itself, on a copy of the pod. */
export function injectWorkloadIdentity(pod: KubeObject, opts: InjectOptions): KubeObject {
  const p = structuredClone(pod);
  const spec = (p.spec ??= {}) as Json;
  const skip = new Set(
    String(p.metadata.annotations?.[SKIP_CONTAINERS_ANNOTATION] ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const { volumeName, mountPath } = tokenMount(opts.version, `${p.metadata.namespace}/${spec.serviceAccountName ?? 'default'}`);
  const env: [string, string | undefined][] = [
    // v1.0 to v1.5.0 injected an empty AZURE_CLIENT_ID when the annotation was missing; v1.5.1+ omit it.
    ['AZURE_CLIENT_ID', opts.clientId ?? (versionAtLeast(opts.version, 'v1.5.1') ? undefined : '')],
    ['AZURE_TENANT_ID', opts.tenantId],
    ['AZURE_FEDERATED_TOKEN_FILE', `${mountPath}/${TOKEN_FILE_NAME}`],
    ['AZURE_AUTHORITY_HOST', opts.authorityHost],
    ...(opts.identityBinding ? ([['AZURE_KUBERNETES_TOKEN_PROXY', opts.identityBinding.proxy], ['AZURE_KUBERNETES_SNI_NAME', opts.identityBinding.sni], ['AZURE_KUBERNETES_CA_FILE', IDENTITY_BINDING_CA_FILE]] as [string, string][]) : []),
  ];
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Json[]) {
    if (skip.has(c.name)) continue;
    c.env ??= [];
    // Only names the container does not set itself: a hard-coded value wins. envFrom is not consulted.
    for (const [name, value] of env) if (value !== undefined && !c.env.some((e: Json) => e.name === name)) c.env.push({ name, value });
    c.volumeMounts ??= [];
    if (!c.volumeMounts.some((m: Json) => m.mountPath === mountPath)) c.volumeMounts.push({ name: volumeName, mountPath, readOnly: true });
  }
  spec.volumes ??= [];
  if (!spec.volumes.some((v: Json) => v.name === volumeName)) {
    spec.volumes.push({
      name: volumeName,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { audience: opts.identityBinding ? IDENTITY_BINDING_AUDIENCE : TOKEN_AUDIENCE, expirationSeconds: opts.expirationSeconds, path: TOKEN_FILE_NAME } },
          ...(opts.identityBinding ? [{ configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] : []),
        ],
      },
    });
  }
  return p;
}

function addProxySidecar(pod: KubeObject, version: string, port: number): void {
  const spec = pod.spec as Json;
  const repo = 'mcr.microsoft.com/oss/azure/workload-identity';
  spec.initContainers ??= [];
  if (!spec.initContainers.some((c: Json) => c.name === 'azwi-proxy-init')) {
    spec.initContainers.push({
      name: 'azwi-proxy-init',
      image: `${repo}/proxy-init:${version}`,
      imagePullPolicy: 'IfNotPresent',
      env: [{ name: 'PROXY_PORT', value: String(port) }],
      securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, privileged: true, runAsUser: 0 },
      resources: {},
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    });
  }
  spec.containers ??= [];
  if (!spec.containers.some((c: Json) => c.name === 'azwi-proxy')) {
    spec.containers.push({
      name: 'azwi-proxy',
      image: `${repo}/proxy:${version}`,
      imagePullPolicy: 'IfNotPresent',
      args: [`--proxy-port=${port}`, '--log-level=info'],
      ports: [{ containerPort: port, protocol: 'TCP' }],
      lifecycle: { postStart: { exec: { command: ['/proxy', '--probe', `--proxy-port=${port}`] } } },
      resources: {},
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    });
  }
}

const deny = (message: string): Admission => ({ allowed: false, code: 400, reason: 'BadRequest', message: `admission webhook "${WEBHOOK_NAME}" denied the request: ${message}` });

/** Run the webhook on a pod being created. */
export function runWebhook(store: Store, pod: KubeObject, state: WebhookState = webhookState(store)): Admission {
  const ns = pod.metadata.namespace ?? 'default';
  if (!webhookMatches(state, pod, store.get('Namespace', undefined, ns))) return { allowed: true, pod };
  if (!state.up) return { allowed: false, code: 500, reason: 'InternalError', message: webhookCallFailure(state) };

  const saName: string = pod.spec?.serviceAccountName ?? 'default';
  const sa = store.get('ServiceAccount', ns, saName);
  const saAnn = sa?.metadata.annotations ?? {};
  const podAnn = pod.metadata.annotations ?? {};

  const rawExp = podAnn[TOKEN_EXPIRATION_ANNOTATION] ?? saAnn[TOKEN_EXPIRATION_ANNOTATION];
  let expirationSeconds = 3600;
  if (rawExp !== undefined) {
    if (!/^-?\d+$/.test(rawExp)) return deny(`strconv.ParseInt: parsing "${rawExp}": invalid syntax`);
    expirationSeconds = Number(rawExp);
    if (expirationSeconds < 3600 || expirationSeconds > 86400) return deny(`token expiration ${expirationSeconds} not valid. Expected value to be between 3600 and 86400`);
  }
  const hasTenantAnnotation = Object.prototype.hasOwnProperty.call(saAnn, TENANT_ID_ANNOTATION);
  let mutated = injectWorkloadIdentity(pod, {
    ...(saAnn[CLIENT_ID_ANNOTATION] !== undefined ? { clientId: saAnn[CLIENT_ID_ANNOTATION] } : {}),
    tenantId: hasTenantAnnotation ? saAnn[TENANT_ID_ANNOTATION]! : state.tenantId,
    authorityHost: AUTHORITY_HOSTS[state.environment] ?? AUTHORITY_HOSTS.AzurePublicCloud!,
    version: state.version,
    expirationSeconds,
    // The key exactly, its value "true" in any case (strings.EqualFold), and only where the webhook serves the mode.
    ...(state.identityBinding && (podAnn[state.identityBinding.annotation] ?? '').toLowerCase() === 'true' ? { identityBinding: { proxy: state.identityBinding.proxy, sni: state.identityBinding.sni } } : {}),
  });
  // Only the key's presence counts, so "false" still injects the proxy (upstream issue 1210).
  if (Object.prototype.hasOwnProperty.call(podAnn, PROXY_SIDECAR_ANNOTATION)) {
    if (mutated.spec?.hostNetwork) return deny('hostNetwork is set to true, cannot inject proxy sidecar');
    const rawPort = podAnn[PROXY_PORT_ANNOTATION] ?? '8000';
    const port = Number(rawPort);
    if (!/^\d+$/.test(rawPort) || port > 2147483647) return deny(`strconv.ParseInt: parsing "${rawPort}": invalid syntax`);
    mutated = structuredClone(mutated);
    addProxySidecar(mutated, state.version, port);
  }
  return { allowed: true, pod: mutated };
}

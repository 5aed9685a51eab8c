// Named clusters for tests and demos: a base fixture (the WI webhook as the AKS add-on, or
// installed by Helm) plus one app workload set up the way a real failure leaves it. Each
// scenario says which workload a doctor should look at (`target`) and which checkpoint
// should fail there (`failingCheckpoint`, null when everything should pass).
//
// Everything is timed relative to the server's start ("pods 2 days old"), so ages read
// naturally in `kubectl get`: scenario objects directly, base fixtures by a shift.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterBuilder, type BuiltDeployment } from './builder';
import { FIXTURE_CA_PLACEHOLDER, FIXTURE_SNAPSHOT_TIME, TENANT_ID, type BaseName } from './generate-fixtures';
import type { KubeObject, Store } from './store';
import { webhookCallFailure, webhookState, WEBHOOK_DEPLOYMENT, WEBHOOK_SERVICE } from './wi-webhook';
import { DAY, HOUR, MINUTE, runningStatus, safeString, type ContainerSpec, type RunningOptions } from './workloads';

type Json = Record<string, any>;

export { TENANT_ID };
export type { BaseName };

/** The managed identity's client ID the healthy ServiceAccounts carry. */
export const CLIENT_ID = '6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f';
/** A different, hard-coded client ID (scenario hardcoded-client-id). */
export const HARDCODED_CLIENT_ID = 'c0ffee00-1234-4abc-9def-0123456789ab';
/** The AKS OIDC issuer (with its trailing slash, as AKS publishes it). */
export const DEFAULT_ISSUER = `https://eastus.oic.prod-aks.azure.com/${TENANT_ID}/11111111-2222-3333-4444-555555555555/`;

/**
 * The checkpoint of the diagnosis (src/checkpoints, ids mirrored here to keep the fake cluster
 * independent of the code under test) that a scenario breaks first:
 *   webhook            the WI webhook is installed, ready, reachable and in scope for the namespace
 *   pod-label          `azure.workload.identity/use: "true"` on the pod template and the running pods
 *   service-account    the ServiceAccount's `azure.workload.identity/client-id` annotation
 *   sdk-environment    what the containers really get: injected env, no credential env, no override
 *   projected-token    a TokenRequest's iss/sub/aud, against the discovery document's issuer
 *   pod-logs           no Entra/SDK error signatures in the logs (current and previous)
 */
export type Checkpoint = 'cluster-connection' | 'cluster-oidc-issuer' | 'webhook' | 'pod-label' | 'service-account' | 'sdk-environment' | 'projected-token' | 'pod-logs' | 'identity-binding-rbac';

export interface ScenarioTarget {
  namespace: string;
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob' | 'Job';
  name: string;
}

export interface ScenarioOptions {
  /** The issuer of `/.well-known/openid-configuration`. */
  issuer?: string;
  /** The `iss` of minted tokens (defaults to issuer). */
  tokenIssuer?: string;
}

export interface Scenario {
  name: string;
  description: string;
  base: BaseName;
  target: ScenarioTarget;
  /** What a doctor should report as failed on the target; null when all checks pass. */
  failingCheckpoint: Checkpoint | null;
  options?: ScenarioOptions;
  /** Secret values (plain and base64) that must never appear in any output. */
  secrets?: string[];
  /** Adds the scenario's objects (and logs) on top of the base cluster. */
  build(b: ClusterBuilder): void;
}

// ---- The app workloads ---------------------------------------------------------------------

interface AppOptions {
  ns: string;
  name: string;
  /** ServiceAccount name (default `<name>-sa`). */
  sa?: string;
  replicas?: number;
  /** The ServiceAccount's annotations (default: the client-id). */
  saAnnotations?: Record<string, string>;
  /** Where the `azure.workload.identity/use` label goes (default: the pod template). */
  label?: 'template' | 'deployment' | 'none';
  env?: Json[];
  envFrom?: Json[];
  nsLabels?: Record<string, string>;
  /** When the last rollout happened (default 2 days before start). */
  rolledOut?: number;
  podStatus?: (i: number) => Partial<RunningOptions>;
  /** Log lines of every pod's app container (default: a healthy start-up). */
  logs?: string;
  /**
   * Configure the app for the Azure resources the fake cloud (test/fake-azure) holds: env
   * AZURE_KEYVAULT_URL=https://kv-prod.vault.azure.net/ instead of KEY_VAULT_URL, and a ConfigMap
   * `<name>-config` (imported with envFrom) with the blob endpoint of storage account stpaymentsprod.
   */
  azure?: boolean;
}

/** The Azure resources an `azure` app names (they exist in test/fake-azure's cloud). */
export const AZURE_APP_KEYVAULT_URL = 'https://kv-prod.vault.azure.net/';
export const AZURE_APP_STORAGE_URL = 'https://stpaymentsprod.blob.core.windows.net/';

const USE = { 'azure.workload.identity/use': 'true' };

function clusterIP(seed: string): string {
  const h = safeString(seed, 2);
  return `10.0.${(h.charCodeAt(0) * 7) % 250}.${(h.charCodeAt(1) * 13) % 250 || 1}`;
}

function logTime(t: number): string {
  return new Date(t).toISOString();
}

function healthyLogs(name: string, started: number, keyVault = 'https://kv-contoso-prod.vault.azure.net/'): string {
  return [
    `{"level":"info","time":"${logTime(started + 900)}","msg":"starting ${name}","version":"2.14.3","pid":1}`,
    `{"level":"info","time":"${logTime(started + 1400)}","msg":"config loaded","keyVault":"${keyVault}"}`,
    `{"level":"info","time":"${logTime(started + 2100)}","msg":"acquired token","credential":"WorkloadIdentityCredential","scope":"https://vault.azure.net/.default"}`,
    `{"level":"info","time":"${logTime(started + 2300)}","msg":"listening","addr":":8080"}`,
    `{"level":"info","time":"${logTime(started + 65_000)}","msg":"GET /healthz","status":200,"durationMs":1}`,
  ].join('\n');
}

function appContainer(o: AppOptions): ContainerSpec {
  return {
    name: o.name,
    image: `contosoprod.azurecr.io/${o.ns}/${o.name}:2.14.3`,
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      o.azure ? { name: 'AZURE_KEYVAULT_URL', value: AZURE_APP_KEYVAULT_URL } : { name: 'KEY_VAULT_URL', value: 'https://kv-contoso-prod.vault.azure.net/' },
      ...(o.env ?? []),
    ],
    ...(o.envFrom || o.azure ? { envFrom: [...(o.azure ? [{ configMapRef: { name: `${o.name}-config` } }] : []), ...(o.envFrom ?? [])] } : {}),
    ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
    readinessProbe: { failureThreshold: 3, httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
    resources: { limits: { memory: '512Mi' }, requests: { cpu: '250m', memory: '256Mi' } },
  };
}

/** Namespace, ServiceAccount, Deployment (+ ReplicaSet, pods), Service and logs of one app. */
function app(b: ClusterBuilder, o: AppOptions): BuiltDeployment {
  const created = b.ago(41 * DAY);
  const rolledOut = o.rolledOut ?? b.ago(2 * DAY + 3 * HOUR);
  const sa = o.sa ?? `${o.name}-sa`;
  const label = o.label ?? 'template';
  b.namespace(o.ns, created - HOUR, o.nsLabels);
  b.serviceAccount(o.ns, sa, created, o.saAnnotations ?? { 'azure.workload.identity/client-id': CLIENT_ID });
  if (o.azure) b.configMap(o.ns, `${o.name}-config`, { STORAGE_ACCOUNT_URL: AZURE_APP_STORAGE_URL, REPORTS_CONTAINER: 'settlement-reports', HTTP_PORT: '8080' }, created);
  const built = b.deployment({
    namespace: o.ns,
    name: o.name,
    replicas: o.replicas ?? 3,
    serviceAccountName: sa,
    labels: { 'app.kubernetes.io/part-of': 'contoso', ...(label === 'deployment' ? USE : {}) },
    podLabels: label === 'template' ? USE : {},
    containers: [appContainer(o)],
    created,
    rolledOut,
    revision: 4,
    ...(o.podStatus ? { podStatus: o.podStatus } : {}),
  });
  b.service(o.ns, o.name, { selector: { app: o.name }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }], clusterIP: clusterIP(`${o.ns}/${o.name}`), created });
  for (const p of built.pods) b.store.setLog(o.ns, p.metadata.name, o.name, o.logs ?? healthyLogs(o.name, Date.parse(p.status.startTime), o.azure ? AZURE_APP_KEYVAULT_URL : undefined), { endTime: new Date(Date.parse(p.status.startTime) + 65_000) });
  return built;
}

/** A nightly WI-enabled CronJob beside the app: Pod -> Job -> CronJob, last run succeeded. */
function nightlyJob(b: ClusterBuilder, ns: string, sa: string): void {
  const lastRun = Math.floor((b.now - 9 * HOUR) / MINUTE) * MINUTE;
  const { pod } = b.cronJob({
    namespace: ns,
    name: 'settlement',
    schedule: '0 2 * * *',
    serviceAccountName: sa,
    podLabels: USE,
    containers: [{ name: 'settlement', image: `contosoprod.azurecr.io/${ns}/settlement:1.9.0`, args: ['--run-once'] }],
    created: b.ago(40 * DAY),
    lastRun,
  });
  b.store.setLog(ns, pod.metadata.name, 'settlement', ['starting settlement run', 'acquired token via WorkloadIdentityCredential', 'settlement run complete: 1204 transactions reconciled'].join('\n'), {
    endTime: new Date(lastRun + 55_000),
  });
}

/** klog lines of a healthy webhook pod. */
function webhookLogs(b: ClusterBuilder): void {
  const state = webhookState(b.store);
  for (const p of b.store.list('Pod', state.namespace).filter((x) => x.metadata.name.startsWith(WEBHOOK_DEPLOYMENT))) {
    const t = Date.parse(p.status?.startTime ?? p.metadata.creationTimestamp!);
    const stamp = (ms: number): string => {
      const d = new Date(t + ms);
      const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
      return `I${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}412`;
    };
    b.store.setLog(
      state.namespace,
      p.metadata.name,
      'manager',
      [
        `${stamp(300)}       1 main.go:98] "setting up manager" version="${state.version}"`,
        `${stamp(420)}       1 main.go:121] "initializing webhook certificate watcher using provided certificates" cert-path="/certs"`,
        `${stamp(610)}       1 server.go:191] "Starting webhook server" logger="controller-runtime.webhook"`,
        `${stamp(640)}       1 server.go:242] "Serving webhook server" logger="controller-runtime.webhook" host="" port=9443`,
      ].join('\n'),
      { endTime: new Date(t + 640) },
    );
  }
}

// ---- Failure modes, each usable in any namespace (the demo combines them) --------------------

function labelOnDeployment(b: ClusterBuilder, ns: string, name: string): void {
  app(b, { ns, name, label: 'deployment' });
}

function saNotAnnotated(b: ClusterBuilder, ns: string, name: string): void {
  app(b, { ns, name, saAnnotations: {} });
}

function annotationTypo(b: ClusterBuilder, ns: string, name: string): void {
  app(b, { ns, name, saAnnotations: { 'azure.workload.identity/client_id': CLIENT_ID } });
}

function podsOlderThanLabel(b: ClusterBuilder, ns: string, name: string): void {
  // Pods from 9 days ago, before the label existed. The label was added to the template 3 hours
  // ago while the rollout was paused (`kubectl rollout pause` during a change freeze), so no
  // new ReplicaSet was made and the webhook never saw a labelled pod.
  app(b, { ns, name, label: 'none', rolledOut: b.ago(9 * DAY) });
  const d = b.store.get('Deployment', ns, name)!;
  d.spec.template.metadata.labels = { ...d.spec.template.metadata.labels, ...USE };
  d.spec.paused = true;
  b.put(d);
  b.refreshDeployment(ns, name, b.ago(3 * HOUR));
}

function clientSecretSet(b: ClusterBuilder, ns: string, name: string, secretValue: string, connectionString: string): void {
  app(b, {
    ns,
    name,
    env: [{ name: 'AZURE_CLIENT_SECRET', valueFrom: { secretKeyRef: { key: 'client-secret', name: `${name}-sp-credentials` } } }],
    envFrom: [{ secretRef: { name: `${name}-env` } }],
  });
  const created = b.ago(120 * DAY);
  b.secret(ns, `${name}-sp-credentials`, { 'client-secret': secretValue }, created);
  b.secret(ns, `${name}-env`, { STORAGE_CONNECTION_STRING: connectionString, SMTP_HOST: 'smtp.contoso.example' }, created);
}

function hardcodedClientId(b: ClusterBuilder, ns: string, name: string): void {
  app(b, { ns, name, env: [{ name: 'AZURE_CLIENT_ID', value: HARDCODED_CLIENT_ID }] });
}

function namespaceExcluded(b: ClusterBuilder, ns: string, name: string): void {
  // A platform team's namespace carries `control-plane`, so the AKS admissions enforcer keeps
  // every webhook, WI included, away from its pods.
  app(b, { ns, name, nsLabels: { 'control-plane': 'true' } });
}

function logsAadsts(b: ClusterBuilder, ns: string, name: string, issuer: string): void {
  const crashedAt = b.ago(47 * MINUTE);
  const built = app(b, {
    ns,
    name,
    podStatus: (i) => (i === 0 ? { restarts: { [name]: { count: 1, lastExitCode: 1, lastReason: 'Error', lastFinished: crashedAt } } } : {}),
  });
  const sa = `${name}-sa`;
  const aadsts = (t: number): string =>
    `{"level":"error","time":"${logTime(t)}","msg":"token request failed","error":"AuthenticationRequiredError: WorkloadIdentityCredential authentication failed. AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: 'system:serviceaccount:${ns}:${sa}'. Assertion Audience: 'api://AzureADTokenExchange'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation Trace ID: 2b9c4f1e-8d7a-4e6b-a5c3-1f0e9d8c7b00 Correlation ID: 5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170 Timestamp: ${logTime(t).replace('T', ' ').replace(/\.\d+Z$/, 'Z')}"}`;
  for (const p of built.pods) {
    const start = Date.parse(p.status.startTime);
    const last = b.ago(2 * MINUTE);
    b.store.setLog(
      ns,
      p.metadata.name,
      name,
      [
        `{"level":"info","time":"${logTime(start + 900)}","msg":"starting ${name}","version":"2.14.3","pid":1}`,
        aadsts(start + 2100),
        `{"level":"warn","time":"${logTime(start + 2200)}","msg":"retrying token request","attempt":2,"backoffMs":4000}`,
        aadsts(last),
      ].join('\n'),
      { endTime: new Date(last) },
    );
  }
  const p0 = built.pods[0]!;
  b.store.setLog(
    ns,
    p0.metadata.name,
    name,
    [
      `{"level":"info","time":"${logTime(crashedAt - 61_000)}","msg":"starting ${name}","version":"2.14.3","pid":1}`,
      aadsts(crashedAt - 59_000),
      'CredentialUnavailableError: DefaultAzureCredential failed to retrieve a token from the included credentials.',
      'Attempted credentials:',
      '\tEnvironmentCredential is unavailable. EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.',
      `\tWorkloadIdentityCredential: AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'.`,
      '\tManagedIdentityCredential: ManagedIdentityCredential: Authentication failed. Message Attempted to use the IMDS endpoint, but it is not available.',
      '    at DefaultAzureCredential.getToken (/app/node_modules/@azure/identity/dist/commonjs/credentials/chainedTokenCredential.js:72:23)',
      '    at async SecretClient.getSecret (/app/node_modules/@azure/keyvault-secrets/dist/commonjs/secretClient.js:214:20)',
      '    at async loadConfig (/app/dist/config.js:41:22)',
      'Node.js v20.18.1',
    ].join('\n'),
    { previous: true, endTime: new Date(crashedAt) },
  );
}

function webhookDown(b: ClusterBuilder, ns: string, name: string): void {
  // A node image upgrade 45 minutes ago evicted two of the app's three pods. The webhook's
  // pods were rescheduled too and have crashed since, so its Service has no ready endpoints and
  // the ReplicaSet cannot recreate the pods (failurePolicy: Fail).
  const upgrade = b.ago(45 * MINUTE);
  const built = app(b, { ns, name, rolledOut: b.ago(6 * DAY) });
  for (const p of built.pods.slice(1)) b.store.delete('Pod', ns, p.metadata.name);

  const state = webhookState(b.store);
  for (const p of b.store.list('Pod', state.namespace).filter((x) => x.metadata.name.startsWith(WEBHOOK_DEPLOYMENT))) {
    p.status = runningStatus(p, {
      node: p.spec.nodeName,
      podIP: p.status.podIP,
      hostIP: p.status.hostIP,
      started: upgrade,
      restarts: { manager: { count: 12, lastExitCode: 1, lastReason: 'Error', lastFinished: b.ago(3 * MINUTE) } },
      waiting: { manager: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=manager pod=${p.metadata.name}_${state.namespace}(${p.metadata.uid})` } },
    });
    b.put(p);
    // A crash-looping container's current log is its last attempt's; --previous the one before.
    const at = new Date(b.ago(3 * MINUTE)).toISOString();
    const crash = `E${at.slice(5, 10).replace('-', '')} ${at.slice(11, 23)}412       1 main.go:131] "unable to set up webhook certificates" err="open /certs/tls.key: no such file or directory"`;
    b.store.setLog(state.namespace, p.metadata.name, 'manager', crash, { endTime: new Date(b.ago(3 * MINUTE)) });
    b.store.setLog(state.namespace, p.metadata.name, 'manager', crash, { previous: true, endTime: new Date(b.ago(8 * MINUTE)) });
    b.event({
      involved: p,
      type: 'Warning',
      reason: 'BackOff',
      message: `Back-off restarting failed container manager in pod ${p.metadata.name}_${state.namespace}(${p.metadata.uid})`,
      component: 'kubelet',
      host: p.spec.nodeName,
      fieldPath: 'spec.containers{manager}',
      first: upgrade + 2 * MINUTE,
      last: b.ago(40_000),
      count: 187,
    });
  }
  b.refreshDeployment(state.namespace, WEBHOOK_DEPLOYMENT, upgrade + MINUTE);
  b.syncEndpoints(state.namespace, WEBHOOK_SERVICE, b.ago(3 * MINUTE));

  const down = webhookState(b.store);
  const rs = b.store.get('ReplicaSet', ns, built.replicaSet.metadata.name)!;
  const message = `Error creating: ${webhookCallFailure(down)}`;
  rs.status = { ...rs.status, conditions: [{ lastTransitionTime: new Date(upgrade + 20_000).toISOString().replace(/\.\d+Z$/, 'Z'), message, reason: 'FailedCreate', status: 'True', type: 'ReplicaFailure' }] };
  b.put(rs);
  b.event({ involved: rs, type: 'Warning', reason: 'FailedCreate', message, component: 'replicaset-controller', first: upgrade + 20_000, last: b.ago(2 * MINUTE), count: 17 });
  b.refreshDeployment(ns, name, upgrade + 20_000);
}

// ---- The scenarios -------------------------------------------------------------------------------

const PAYMENTS_API: ScenarioTarget = { namespace: 'payments', kind: 'Deployment', name: 'api' };

/** The client secret of scenario client-secret-set (shaped like an Entra secret, and fake). */
export const LEAKED_CLIENT_SECRET = 'Qx8Q~fakeS3cretValue.DoNotPrint-7Kp2mZwL9';
export const LEAKED_STORAGE_KEY = 'ZmFrZS1zdG9yYWdlLWtleS1kby1ub3QtcHJpbnQtMDEyMzQ1Njc4OQ==';
const CONNECTION_STRING = `DefaultEndpointsProtocol=https;AccountName=stcontosoprod;AccountKey=${LEAKED_STORAGE_KEY};EndpointSuffix=core.windows.net`;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

function healthyPayments(b: ClusterBuilder): void {
  app(b, { ns: 'payments', name: 'api', sa: 'api-sa' });
  nightlyJob(b, 'payments', 'api-sa');
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'healthy',
    description: 'Everything wired: label on the pod template, annotated ServiceAccount, webhook up, pods injected (v1.5.1 paths).',
    base: 'aks-addon',
    target: PAYMENTS_API,
    failingCheckpoint: null,
    build: healthyPayments,
  },
  {
    name: 'label-on-deployment',
    description: "The use label sits on the Deployment's own metadata.labels, not the pod template: the webhook never sees it, pods are not injected.",
    base: 'aks-addon',
    target: PAYMENTS_API,
    failingCheckpoint: 'pod-label',
    build: (b) => labelOnDeployment(b, 'payments', 'api'),
  },
  {
    name: 'sa-not-annotated',
    description: 'The ServiceAccount has no client-id annotation: webhook v1.5.1+ injects everything but AZURE_CLIENT_ID.',
    base: 'aks-addon',
    target: PAYMENTS_API,
    failingCheckpoint: 'service-account',
    build: (b) => saNotAnnotated(b, 'payments', 'api'),
  },
  {
    name: 'annotation-typo',
    description: 'The ServiceAccount says azure.workload.identity/client_id (underscore): silently ignored, no AZURE_CLIENT_ID.',
    base: 'aks-addon',
    target: PAYMENTS_API,
    failingCheckpoint: 'service-account',
    build: (b) => annotationTypo(b, 'payments', 'api'),
  },
  {
    name: 'pods-older-than-label',
    description: 'The template got the label 3 hours ago (rollout paused), the 3 running pods are 9 days old and were never mutated.',
    base: 'aks-addon',
    target: PAYMENTS_API,
    failingCheckpoint: 'pod-label',
    build: (b) => podsOlderThanLabel(b, 'payments', 'api'),
  },
  {
    name: 'webhook-down',
    description: 'The webhook pods crash-loop (0/2 ready, no ready endpoints); the ReplicaSet has FailedCreate events and 1 of 3 pods.',
    base: 'aks-addon',
    target: PAYMENTS_API,
    failingCheckpoint: 'webhook',
    build: (b) => webhookDown(b, 'payments', 'api'),
  },
  {
    name: 'namespace-excluded',
    description: 'Label and annotation are right, but the namespace is labelled control-plane, which AKS keeps every webhook away from.',
    base: 'aks-addon',
    target: { namespace: 'platform-tools', kind: 'Deployment', name: 'cost-exporter' },
    failingCheckpoint: 'webhook',
    build: (b) => namespaceExcluded(b, 'platform-tools', 'cost-exporter'),
  },
  {
    name: 'client-secret-set',
    description: 'Wiring is right, but AZURE_CLIENT_SECRET comes from a Secret (and envFrom pulls another): DefaultAzureCredential picks EnvironmentCredential.',
    base: 'aks-addon',
    target: PAYMENTS_API,
    failingCheckpoint: 'sdk-environment',
    secrets: [LEAKED_CLIENT_SECRET, b64(LEAKED_CLIENT_SECRET), LEAKED_STORAGE_KEY, b64(CONNECTION_STRING)],
    build: (b) => clientSecretSet(b, 'payments', 'api', LEAKED_CLIENT_SECRET, CONNECTION_STRING),
  },
  {
    name: 'token-claims-mismatch',
    description: "Minted tokens' iss lacks the trailing slash the discovery document (and the federated credential) has: AADSTS70021 at exchange.",
    base: 'aks-addon',
    target: PAYMENTS_API,
    failingCheckpoint: 'projected-token',
    options: { issuer: DEFAULT_ISSUER, tokenIssuer: DEFAULT_ISSUER.replace(/\/$/, '') },
    build: (b) => app(b, { ns: 'payments', name: 'api', sa: 'api-sa' }),
  },
  {
    name: 'hardcoded-client-id',
    description: 'The container sets AZURE_CLIENT_ID itself, to another identity: the webhook keeps it, the annotation loses.',
    base: 'aks-addon',
    target: PAYMENTS_API,
    failingCheckpoint: 'sdk-environment',
    build: (b) => hardcodedClientId(b, 'payments', 'api'),
  },
  {
    name: 'logs-aadsts',
    description: 'Wiring is right but Entra refuses the token (AADSTS70021); one container restarted and its previous log has the DefaultAzureCredential failure.',
    base: 'aks-addon',
    target: PAYMENTS_API,
    failingCheckpoint: 'pod-logs',
    build: (b) => logsAadsts(b, 'payments', 'api', DEFAULT_ISSUER),
  },
  {
    name: 'azure-wired',
    description: 'Like healthy, and the app names the Azure resources of the fake cloud: AZURE_KEYVAULT_URL (kv-prod), a ConfigMap with a blob URL (stpaymentsprod). The cluster of every test/fake-azure scenario.',
    base: 'aks-addon',
    target: PAYMENTS_API,
    failingCheckpoint: null,
    build: (b) => {
      app(b, { ns: 'payments', name: 'api', sa: 'api-sa', azure: true });
      nightlyJob(b, 'payments', 'api-sa');
    },
  },
  {
    name: 'helm-healthy',
    description: 'Like healthy, with the webhook v1.6.0 installed by Helm in azure-workload-identity-system (new token path and volume name).',
    base: 'helm',
    target: PAYMENTS_API,
    failingCheckpoint: null,
    build: healthyPayments,
  },
  {
    name: 'demo',
    description: 'Ten namespaces, one healthy app and one of each failure mode: for demos and screenshots.',
    base: 'aks-addon',
    target: PAYMENTS_API,
    failingCheckpoint: null,
    secrets: [LEAKED_CLIENT_SECRET, b64(LEAKED_CLIENT_SECRET), LEAKED_STORAGE_KEY, b64(CONNECTION_STRING)],
    build: (b) => {
      healthyPayments(b);
      labelOnDeployment(b, 'checkout', 'cart');
      annotationTypo(b, 'inventory', 'sync');
      saNotAnnotated(b, 'billing', 'invoicer');
      podsOlderThanLabel(b, 'orders', 'worker');
      clientSecretSet(b, 'notifications', 'mailer', LEAKED_CLIENT_SECRET, CONNECTION_STRING);
      hardcodedClientId(b, 'search', 'indexer');
      logsAadsts(b, 'analytics', 'ingest', DEFAULT_ISSUER);
      namespaceExcluded(b, 'platform-tools', 'cost-exporter');
    },
  },
];

/** For the demo: which workload shows which failure. */
export const DEMO_WORKLOADS: readonly { target: ScenarioTarget; failingCheckpoint: Checkpoint | null; scenario: string }[] = [
  { target: PAYMENTS_API, failingCheckpoint: null, scenario: 'healthy' },
  { target: { namespace: 'checkout', kind: 'Deployment', name: 'cart' }, failingCheckpoint: 'pod-label', scenario: 'label-on-deployment' },
  { target: { namespace: 'inventory', kind: 'Deployment', name: 'sync' }, failingCheckpoint: 'service-account', scenario: 'annotation-typo' },
  { target: { namespace: 'billing', kind: 'Deployment', name: 'invoicer' }, failingCheckpoint: 'service-account', scenario: 'sa-not-annotated' },
  { target: { namespace: 'orders', kind: 'Deployment', name: 'worker' }, failingCheckpoint: 'pod-label', scenario: 'pods-older-than-label' },
  { target: { namespace: 'notifications', kind: 'Deployment', name: 'mailer' }, failingCheckpoint: 'sdk-environment', scenario: 'client-secret-set' },
  { target: { namespace: 'search', kind: 'Deployment', name: 'indexer' }, failingCheckpoint: 'sdk-environment', scenario: 'hardcoded-client-id' },
  { target: { namespace: 'analytics', kind: 'Deployment', name: 'ingest' }, failingCheckpoint: 'pod-logs', scenario: 'logs-aadsts' },
  { target: { namespace: 'platform-tools', kind: 'Deployment', name: 'cost-exporter' }, failingCheckpoint: 'webhook', scenario: 'namespace-excluded' },
];

export function getScenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`fake-kube: unknown scenario "${name}" (known: ${SCENARIOS.map((x) => x.name).join(', ')})`);
  return s;
}

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Move every RFC 3339 timestamp in a JSON value by `deltaMs`. */
function shiftTimes(v: unknown, deltaMs: number): unknown {
  if (typeof v === 'string' && TIMESTAMP.test(v)) return new Date(Date.parse(v) + deltaMs).toISOString().replace(/\.000Z$/, 'Z');
  if (Array.isArray(v)) return v.map((x) => shiftTimes(x, deltaMs));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shiftTimes(x, deltaMs)]));
  return v;
}

/**
 * The objects of a base fixture, with the server's CA in every kube-root-ca.crt and the
 * timestamps moved so the snapshot reads as taken at `now` (the webhook "installed 4 months ago").
 */
export function loadBase(base: BaseName, caPem: string, now = Date.now()): KubeObject[] {
  const list = JSON.parse(readFileSync(join(__dirname, 'fixtures', `${base}.json`), 'utf8')) as { items: KubeObject[] };
  // Whole seconds, so second-precision timestamps stay second-precision.
  const items = shiftTimes(list.items, Math.round((now - FIXTURE_SNAPSHOT_TIME) / 1000) * 1000) as KubeObject[];
  for (const o of items) if (o.kind === 'ConfigMap' && o.data?.['ca.crt'] === FIXTURE_CA_PLACEHOLDER) o.data['ca.crt'] = caPem;
  return items;
}

/** Fill a store with a scenario: its base, then its own objects and logs. */
export function loadScenario(store: Store, scenario: Scenario, caPem: string, now = Date.now()): void {
  for (const o of loadBase(scenario.base, caPem, now)) store.put(o);
  const b = new ClusterBuilder(store, caPem, now);
  webhookLogs(b);
  scenario.build(b);
}

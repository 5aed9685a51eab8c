// The identity graph (src/consumers): what each consumer object says about the identity it uses,
// and whose ServiceAccount token that is in a world (the workspace's or the cluster's).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { controllerOfImage, describeConsumer, resolveIdentity, type IdentityWorld, type PodOwner } from '../../src/consumers/index';

const GUID = '00000000-0000-0000-0000-000000000001';

function world(o: { sas?: Record<string, string>; mounting?: PodOwner[]; controllers?: Record<string, PodOwner[]>; dapr?: (PodOwner & { app: string })[] } = {}): IdentityWorld {
  return {
    where: 'the test',
    serviceAccount: (name, ns) => (o.sas && `${ns}/${name}` in o.sas ? { name, namespace: ns, clientId: o.sas[`${ns}/${name}`] } : undefined),
    podsMounting: () => o.mounting ?? [],
    controllers: (id) => o.controllers?.[id] ?? [],
    daprApps: (ns, appIds) => (o.dapr ?? []).filter((p) => p.namespace === ns && (appIds.length === 0 || appIds.includes(p.app))),
  };
}

const spc = (parameters: Record<string, unknown>) => ({ apiVersion: 'secrets-store.csi.x-k8s.io/v1', kind: 'SecretProviderClass', metadata: { name: 'kv', namespace: 'web' }, spec: { provider: 'azure', parameters } });

describe('consumers: what each object says', () => {
  it('a SecretProviderClass with clientID: Workload Identity through the mounting pods, no label needed', () => {
    const [u] = describeConsumer(spc({ clientID: GUID, keyvaultName: 'kv1', tenantID: 't' }));
    assert.equal(u.workloadIdentity, true);
    assert.deepEqual(u.token, { via: 'mounting-pods' });
    assert.equal(u.labelNeeded, false);
    assert.deepEqual(u.clientId, { value: GUID, field: 'spec.parameters.clientID' });
    assert.deepEqual(u.resources, [{ what: 'Key Vault', name: 'kv1' }]);
  });

  it('pod identity and the VM identity win over clientID, in the provider\'s order; no mode flag and no clientID is a service principal', () => {
    assert.equal(describeConsumer(spc({ clientID: GUID, usePodIdentity: 'true' }))[0].mode, 'aad-pod-identity (deprecated)');
    assert.equal(describeConsumer(spc({ clientID: GUID, useVMManagedIdentity: 'True' }))[0].mode, "the node's managed identity");
    assert.equal(describeConsumer(spc({ keyvaultName: 'kv' }))[0].workloadIdentity, false);
    assert.deepEqual(describeConsumer({ ...spc({}), spec: { provider: 'gcp' } }), []);
  });

  it('KEDA: the operator\'s token, the label on its pod, identityId as the client ID, both podIdentity places', () => {
    const uses = describeConsumer({ apiVersion: 'keda.sh/v1alpha1', kind: 'ClusterTriggerAuthentication', metadata: { name: 'a' }, spec: { podIdentity: { provider: 'azure-workload', identityId: GUID }, azureKeyVault: { vaultUri: 'https://v.vault.azure.net', podIdentity: { provider: 'azure-workload' } } } });
    assert.equal(uses.length, 2);
    assert.deepEqual(uses[0].token, { via: 'controller', controller: 'keda-operator' });
    assert.equal(uses[0].namespace, undefined);
    assert.equal(uses[0].clientId?.value, GUID);
    assert.deepEqual(uses[1].resources, [{ what: 'Key Vault', name: 'https://v.vault.azure.net' }]);
    assert.equal(describeConsumer({ kind: 'TriggerAuthentication', spec: { podIdentity: { provider: 'azure' } } })[0].workloadIdentity, false);
  });

  it('External Secrets: ServicePrincipal by default; WorkloadIdentity through serviceAccountRef (the store\'s namespace for a SecretStore, referent for a ClusterSecretStore without one) or the operator', () => {
    const store = (kind: string, azurekv: Record<string, unknown>) => describeConsumer({ apiVersion: 'external-secrets.io/v1', kind, metadata: { name: 's', namespace: 'team' }, spec: { provider: { azurekv } } })[0];
    assert.equal(store('SecretStore', { serviceAccountRef: { name: 'sa' } }).workloadIdentity, false);
    assert.deepEqual(store('SecretStore', { authType: 'WorkloadIdentity', serviceAccountRef: { name: 'sa', namespace: 'elsewhere' } }).token, { via: 'service-account', name: 'sa', namespace: 'team', field: 'spec.provider.azurekv.serviceAccountRef' });
    assert.equal((store('ClusterSecretStore', { authType: 'WorkloadIdentity', serviceAccountRef: { name: 'sa' } }).token as { namespace?: string }).namespace, undefined);
    assert.deepEqual(store('ClusterSecretStore', { authType: 'WorkloadIdentity' }).token, { via: 'controller', controller: 'external-secrets' });
    assert.equal(store('SecretStore', { authType: 'ManagedIdentity' }).workloadIdentity, false);
  });

  it('cert-manager: one use per azureDNS solver; a top-level clientID is a service principal; ambient use is not certain', () => {
    const uses = describeConsumer({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'le' }, spec: { acme: { solvers: [{ http01: {} }, { dns01: { azureDNS: { hostedZoneName: 'example.com', managedIdentity: { clientID: GUID } } } }, { dns01: { azureDNS: { clientID: GUID, clientSecretSecretRef: { name: 's', key: 'k' } } } }] } } });
    assert.equal(uses.length, 2);
    assert.equal(uses[0].part, 'spec.acme.solvers[1].dns01.azureDNS');
    assert.equal(uses[0].certain, false);
    assert.equal(uses[0].clientId?.field, 'spec.acme.solvers[1].dns01.azureDNS.managedIdentity.clientID');
    assert.equal(uses[1].workloadIdentity, false);
  });

  it('ExternalDNS: azure.json in a ConfigMap, a Secret\'s stringData or its base64 data; the secret wins over Workload Identity', () => {
    const json = JSON.stringify({ tenantId: 't', useWorkloadIdentityExtension: true, aadClientId: GUID, resourceGroup: 'dns' });
    const cm = describeConsumer({ kind: 'ConfigMap', metadata: { name: 'c', namespace: 'dns' }, data: { 'azure.json': json } })[0];
    assert.deepEqual(cm.token, { via: 'controller', controller: 'external-dns' });
    assert.equal(cm.clientId?.value, GUID);
    const b64 = describeConsumer({ kind: 'Secret', metadata: { name: 's' }, data: { 'azure.json': Buffer.from(json).toString('base64') } })[0];
    assert.equal(b64.workloadIdentity, true);
    const sp = describeConsumer({ kind: 'Secret', stringData: { 'azure.json': JSON.stringify({ useWorkloadIdentityExtension: true, aadClientSecret: 'x' }) } })[0];
    assert.equal(sp.workloadIdentity, false);
    assert.deepEqual(describeConsumer({ kind: 'ConfigMap', data: { 'azure.json': '{not json' } }), []);
    assert.deepEqual(describeConsumer({ kind: 'ConfigMap', data: { other: 'x' } }), []);
  });

  it('Flux: object level names its ServiceAccount; controller level the controller that serves the kind', () => {
    const src = (spec: Record<string, unknown>, kind = 'OCIRepository') => describeConsumer({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind, metadata: { name: 'r', namespace: 'apps' }, spec })[0];
    assert.deepEqual(src({ provider: 'azure', serviceAccountName: 'puller' }).token, { via: 'service-account', name: 'puller', namespace: 'apps', field: 'spec.serviceAccountName' });
    assert.deepEqual(src({ provider: 'azure' }, 'ImageRepository').token, { via: 'controller', controller: 'flux-image-reflector-controller' });
    assert.equal(src({ provider: 'generic' }), undefined);
  });

  it('Dapr: the app pods, by scopes', () => {
    const u = describeConsumer({ apiVersion: 'dapr.io/v1alpha1', kind: 'Component', metadata: { name: 'state' }, spec: { metadata: [{ name: 'azureClientId', value: GUID }] }, scopes: ['api'] })[0];
    assert.deepEqual(u.token, { via: 'app-pods', appIds: ['api'] });
  });

  const component = (type: string, metadata: Record<string, string>, scopes?: string[]) => describeConsumer({ apiVersion: 'dapr.io/v1alpha1', kind: 'Component', metadata: { name: 'c', namespace: 'shop' }, spec: { type, version: 'v1', metadata: Object.entries(metadata).map(([name, value]) => ({ name, value })) }, ...(scopes ? { scopes } : {}) });

  it('Dapr: an Azure component with no credentials authenticates through the pod (Workload Identity when the pod has it); a Key Vault store names its vault', () => {
    const [u] = component('secretstores.azure.keyvault', { vaultName: 'kv-shop' });
    assert.equal(u.workloadIdentity, true);
    assert.equal(u.certain, false);
    assert.equal(u.clientId, undefined);
    assert.deepEqual(u.token, { via: 'app-pods', appIds: [] });
    assert.deepEqual(u.resources, [{ what: 'Key Vault', name: 'kv-shop' }]);
    assert.deepEqual(component('state.azure.blobstorage', { accountName: 'st1', containerName: 'orders' })[0].resources, []);
  });

  it('Dapr: keys and service principals are not Workload Identity; a non-Azure component without azureClientId is not a consumer', () => {
    const [key] = component('state.azure.blobstorage', { accountName: 'st1', accountKey: 'x' });
    assert.equal(key.workloadIdentity, false);
    assert.match(key.mode, /accountKey/);
    assert.equal(component('pubsub.azure.servicebus.queues', { connectionString: 'Endpoint=sb://x/' })[0].workloadIdentity, false);
    assert.equal(component('secretstores.azure.keyvault', { vaultName: 'kv', azureClientId: GUID, azureClientSecret: 's' })[0].workloadIdentity, false);
    assert.deepEqual(component('state.redis', { redisHost: 'r:6379' }), []);
    assert.equal(component('state.postgresql', { azureClientId: GUID, useAzureAD: 'true' })[0].workloadIdentity, true);
  });

  it('Dapr: resolved to the ServiceAccounts of the apps its scopes name, in its namespace', () => {
    const app = (name: string, sa: string, appId: string, ns = 'shop'): PodOwner & { app: string } => ({ kind: 'Deployment', name, namespace: ns, serviceAccount: sa, labelled: true, app: appId });
    const w = world({ sas: { 'shop/checkout': GUID }, dapr: [app('checkout', 'checkout', 'checkout'), app('cart', 'cart', 'cart'), app('other', 'other', 'checkout', 'elsewhere')] });
    const scoped = resolveIdentity(component('secretstores.azure.keyvault', { vaultName: 'kv' }, ['checkout'])[0], w);
    assert.deepEqual(scoped.subjects.map((s) => s.subject), ['system:serviceaccount:shop:checkout']);
    assert.equal(scoped.clientId?.value, GUID);
    assert.match(scoped.summary, /ServiceAccount checkout of the Dapr app that loads it \(scopes: checkout\)/);
    const all = resolveIdentity(component('secretstores.azure.keyvault', { vaultName: 'kv' })[0], w);
    assert.deepEqual(all.subjects.map((s) => s.serviceAccount), ['checkout', 'cart']);
    const none = resolveIdentity(component('secretstores.azure.keyvault', { vaultName: 'kv' }, ['billing'])[0], w);
    assert.deepEqual(none.subjects, []);
    assert.match(none.summary, /no such app runs in the test/);
  });

  it('recognises the controllers by image, registries and tags aside', () => {
    assert.equal(controllerOfImage('ghcr.io/kedacore/keda:2.16.0'), 'keda-operator');
    assert.equal(controllerOfImage('ghcr.io/kedacore/keda-metrics-apiserver:2.16.0'), undefined);
    assert.equal(controllerOfImage('quay.io/jetstack/cert-manager-controller:v1.16.2'), 'cert-manager');
    assert.equal(controllerOfImage('quay.io/jetstack/cert-manager-webhook:v1.16.2'), undefined);
    assert.equal(controllerOfImage('oci.external-secrets.io/external-secrets/external-secrets:v0.14.0'), 'external-secrets');
    assert.equal(controllerOfImage('registry.k8s.io/external-dns/external-dns:v0.15.0'), 'external-dns');
    assert.equal(controllerOfImage('ghcr.io/fluxcd/source-controller@sha256:abc'), 'flux-source-controller');
  });
});

describe('consumers: whose token', () => {
  it('a SecretProviderClass: the ServiceAccounts of the pods that mount it, each once, with its client ID', () => {
    const [u] = describeConsumer(spc({ clientID: GUID }));
    const pods: PodOwner[] = [
      { kind: 'Deployment', name: 'a', namespace: 'web', serviceAccount: 'web', labelled: false },
      { kind: 'Deployment', name: 'b', namespace: 'web', serviceAccount: 'web', labelled: true },
    ];
    const r = resolveIdentity(u, world({ mounting: pods, sas: { 'web/web': GUID } }));
    assert.equal(r.summary, 'SecretProviderClass kv authenticates as the ServiceAccount web of the pods that mount it (namespace web).');
    assert.deepEqual(r.subjects.map((s) => s.subject), ['system:serviceaccount:web:web']);
    assert.equal(r.clientId?.field, 'spec.parameters.clientID');
    assert.match(resolveIdentity(u, world()).summary, /no pod in the test mounts it/);
  });

  it('a controller: the one the world shows, else the default installation, said to be assumed', () => {
    const [u] = describeConsumer({ apiVersion: 'keda.sh/v1alpha1', kind: 'TriggerAuthentication', metadata: { name: 'q', namespace: 'app' }, spec: { podIdentity: { provider: 'azure-workload' } } });
    const assumed = resolveIdentity(u, world());
    assert.equal(assumed.subjects[0].subject, 'system:serviceaccount:keda:keda-operator');
    assert.equal(assumed.subjects[0].assumed, true);
    assert.match(assumed.summary, /a default installation's; the KEDA operator is not in the test/);
    const seen = resolveIdentity(u, world({ controllers: { 'keda-operator': [{ kind: 'Deployment', name: 'k', namespace: 'autoscale', serviceAccount: 'k-sa', labelled: true }] }, sas: { 'autoscale/k-sa': GUID } }));
    assert.equal(seen.subjects[0].subject, 'system:serviceaccount:autoscale:k-sa');
    assert.deepEqual(seen.clientId, { value: GUID, field: "the ServiceAccount autoscale/k-sa's azure.workload.identity/client-id annotation" });
  });

  it('not Workload Identity: says what it uses instead, and no subject', () => {
    const [u] = describeConsumer(spc({ usePodIdentity: 'true' }));
    const r = resolveIdentity(u, world());
    assert.equal(r.summary, 'SecretProviderClass kv does not use Workload Identity: it authenticates with aad-pod-identity (deprecated).');
    assert.deepEqual(r.subjects, []);
  });
});

describe('consumers: the chain a consumer diagnosis runs', () => {
  it('a SecretProviderClass: whose identity first, no webhook part, the controller\'s report before the Azure half', async () => {
    const { consumerCheckpoints } = await import('../../src/checkpoints/index');
    const [u] = describeConsumer(spc({ clientID: GUID }));
    assert.deepEqual(consumerCheckpoints(u, { azure: true }).map((c) => c.id), ['cluster-connection', 'consumer-identity', 'cluster-oidc-issuer', 'service-account', 'projected-token', 'consumer-status', 'managed-identity', 'federated-credential', 'role-assignments', 'token-exchange']);
    assert.deepEqual(consumerCheckpoints(u, { azure: false }).map((c) => c.id), ['cluster-connection', 'consumer-identity', 'cluster-oidc-issuer', 'service-account', 'projected-token', 'consumer-status']);
  });

  it('a controller\'s object keeps the webhook part: its pod needs the label', async () => {
    const { consumerCheckpoints } = await import('../../src/checkpoints/index');
    const [u] = describeConsumer({ apiVersion: 'keda.sh/v1alpha1', kind: 'TriggerAuthentication', metadata: { name: 'q' }, spec: { podIdentity: { provider: 'azure-workload' } } });
    const ids = consumerCheckpoints(u, { azure: true }).map((c) => c.id);
    for (const id of ['webhook', 'pod-label', 'sdk-environment', 'pod-logs']) assert.ok(ids.includes(id as never), id);
    assert.equal(ids[1], 'consumer-identity');
  });

  it('the text report names the object, the workload it ran on, and whose identity, first', async () => {
    const { renderReportText } = await import('../../src/render/report/text');
    const text = renderReportText({
      tool: { name: 'wi-doctor', version: '1' }, startedAt: '2026-12-07T10:00:00Z', durationMs: 5, context: 'aks', server: 'https://k', requests: 3, cancelled: false,
      workload: { namespace: 'web', kind: 'Deployment', name: 'web' },
      consumer: { kind: 'SecretProviderClass', namespace: 'web', name: 'kv', summary: 'SecretProviderClass kv authenticates as the ServiceAccount web of the pods that mount it (namespace web).' },
      checkpoints: [],
    }, { now: Date.parse('2026-12-07T10:01:00Z'), timeZone: 'UTC' });
    const lines = text.split('\n');
    assert.equal(lines[0], 'Workload Identity diagnosis of secretproviderclass/kv in web (through deployment/web in web) (wi-doctor 1)');
    assert.equal(lines[1], '  SecretProviderClass kv authenticates as the ServiceAccount web of the pods that mount it (namespace web).');
  });
});

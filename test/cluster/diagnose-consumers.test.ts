// Diagnosing a CONSUMER object (issue 18) — a SecretProviderClass, a KEDA TriggerAuthentication, an
// External Secrets store, a cert-manager issuer — through the CLI in-process (JSON and text), against
// the local API server holding the controllers' CRDs, Deployments/DaemonSets and ServiceAccounts
// (test/fake-kube/scenarios-consumers.ts), with and without the local Azure
// (test/fake-azure/scenarios-consumers.ts). And the fake server itself: it serves those custom
// resources only where their CRDs are installed, as a real API server does.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { azureProvider } from '../../src/azure/provider';
import { run, type CliIO, type RunDeps } from '../../src/cli/run';
import { startFakeCloud, type FakeCloud } from '../fake-azure/cloud';
import { SERVICEBUS_ID, type AzureScenario } from '../fake-azure/world';
import { KEDA_SB_OWNER_AZURE, KEDA_QUEUE_PROCESSOR_AZURE, KEDA_SB_RECEIVER_AZURE, DNS_ZONE_ID, ISSUER_DNS_ROLE_AZURE, ISSUER_NO_DNS_ROLE_AZURE, ESO_SA_HEALTHY_AZURE, ESO_SA_WRONG_SUBJECT_AZURE, ESO_SUBJECT, ESO_WRONG_SUBJECT_FIC, SPC_HEALTHY_AZURE, SPC_NO_KEYVAULT_ROLE_AZURE, SPC_SUBJECT, SPC_WRONG_SUBJECT_AZURE, SPC_WRONG_SUBJECT_FIC } from '../fake-azure/scenarios-consumers';
import { kubeRequest, kubeWatch } from '../fake-kube/client';
import { crdObject, KEDA_CRDS } from '../fake-kube/crds';
import { ESO_STORE_NOT_READY, ISSUER_NOT_READY, KEDA_OPERATOR_UNLABELLED, SPC_HEALTHY, SPC_WRONG_SUBJECT, spcWrongSubjectScenario } from '../fake-kube/scenarios-consumers';
import type { Scenario } from '../fake-kube/scenarios';
import { startFakeKube, type FakeKube } from '../fake-kube/server';

const dir = mkdtempSync(join(tmpdir(), 'wi-consumers-'));
const kubes: FakeKube[] = [];
const clouds: FakeCloud[] = [];
after(async () => {
  await Promise.all([...kubes.map((k) => k.stop()), ...clouds.map((c) => c.stop())]);
  rmSync(dir, { recursive: true, force: true });
});

/** One server per scenario, shared by the tests that only read (none of them writes). */
const started = new Map<string, Promise<{ kube: FakeKube; kubeconfig: string }>>();
function cluster(scenario: Scenario | string): Promise<{ kube: FakeKube; kubeconfig: string }> {
  const name = typeof scenario === 'string' ? scenario : scenario.name;
  let p = started.get(name);
  if (!p) {
    p = (async () => {
      const kube = await startFakeKube({ scenario });
      kubes.push(kube);
      return { kube, kubeconfig: kube.writeKubeconfig(join(dir, `kc-${name}.yaml`)) };
    })();
    started.set(name, p);
  }
  return p;
}

/** A server of its own (for tests that inject faults). */
async function ownCluster(scenario: Scenario): Promise<{ kube: FakeKube; kubeconfig: string }> {
  const kube = await startFakeKube({ scenario });
  kubes.push(kube);
  return { kube, kubeconfig: kube.writeKubeconfig(join(dir, `kc-own-${kubes.length}.yaml`)) };
}

interface Evidence { label: string; value: string; level?: string }
interface Cp { id: string; status: string; summary: string; fault?: string; evidence: Evidence[] }
interface Report {
  consumer?: { kind: string; namespace?: string; name: string; summary: string };
  workload: { namespace: string; kind: string; name: string };
  firstFailure: string | null;
  checkpoints: Cp[];
}

async function cli(argv: string[], kubeconfig: string, deps: RunDeps = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: dir, env: {} };
  const code = await run(['diagnose', ...argv, '--kubeconfig', kubeconfig], io, deps);
  return { code, out, err };
}

async function diagnoseJson(argv: string[], kubeconfig: string, deps: RunDeps = {}): Promise<{ code: number; json: Report; err: string }> {
  const r = await cli([...argv, '--format', 'json', ...(deps.azure ? ['--token-exchange', 'always'] : ['--no-azure'])], kubeconfig, deps);
  assert.ok(r.out, `no JSON (exit ${r.code}): ${r.err}`);
  return { code: r.code, json: JSON.parse(r.out) as Report, err: r.err };
}

const show = (j: Report): string => j.checkpoints.map((c) => `${c.id}=${c.status}: ${c.summary}`).join('\n');
const ids = (j: Report): string[] => j.checkpoints.map((c) => c.id);
const cp = (j: Report, id: string): Cp => {
  const c = j.checkpoints.find((x) => x.id === id);
  assert.ok(c, `no checkpoint ${id}\n${show(j)}`);
  return c;
};
const INJECTION = ['webhook', 'pod-label', 'sdk-environment', 'pod-logs'];

// ---- The fake API server serves the custom resources like a cluster with the CRDs -------------------------

describe('fake-kube: the consumer controllers\' custom resources', () => {
  it('discovery lists each project\'s group with its served versions, short names and scope; the CRDs are listed', async () => {
    const { kube } = await cluster(ESO_STORE_NOT_READY);
    const groups = (await kubeRequest(kube, 'GET', '/apis')).json as { groups: { name: string; versions: { version: string }[]; preferredVersion: { version: string } }[] };
    const eso = groups.groups.find((g) => g.name === 'external-secrets.io');
    // External Secrets v0.14.0 serves v1alpha1 (deprecated) and v1beta1 (storage): v1 came with v0.16.
    assert.deepEqual(eso?.versions.map((v) => v.version), ['v1beta1', 'v1alpha1']);
    assert.equal(eso?.preferredVersion.version, 'v1beta1');
    const list = (await kubeRequest(kube, 'GET', '/apis/external-secrets.io/v1beta1')).json as { resources: { name: string; shortNames?: string[]; namespaced: boolean; kind: string }[] };
    const byName = Object.fromEntries(list.resources.map((r) => [r.name, r]));
    assert.deepEqual(byName.secretstores && { s: byName.secretstores.shortNames, n: byName.secretstores.namespaced }, { s: ['ss'], n: true });
    assert.deepEqual(byName.clustersecretstores && { s: byName.clustersecretstores.shortNames, n: byName.clustersecretstores.namespaced }, { s: ['css'], n: false });
    assert.ok(byName['clustersecretstores/status'], 'the status subresource');
    // The aggregated document (what kubectl >= 1.30 reads) says the same.
    const agg = (await kubeRequest(kube, 'GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' })).json as { items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; scope: string; shortNames?: string[] }[] }[] }[] };
    const css = agg.items.find((i) => i.metadata.name === 'external-secrets.io')?.versions[0]?.resources.find((r) => r.resource === 'clustersecretstores');
    assert.deepEqual(css && { scope: css.scope, short: css.shortNames }, { scope: 'Cluster', short: ['css'] });
    const crds = (await kubeRequest(kube, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions')).json as { items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[]; storedVersions: string[] } }[] };
    const ss = crds.items.find((c) => c.metadata.name === 'secretstores.external-secrets.io');
    assert.ok(ss, crds.items.map((c) => c.metadata.name).join(', '));
    assert.ok(ss.status.conditions.some((c) => c.type === 'Established' && c.status === 'True'));
    assert.deepEqual(ss.status.storedVersions, ['v1beta1']);
  });

  it('a version the CRD does not serve is 404; the served ones return the same object in their own apiVersion', async () => {
    const { kube } = await cluster(ESO_STORE_NOT_READY);
    assert.equal((await kubeRequest(kube, 'GET', '/apis/external-secrets.io/v1/clustersecretstores/shared')).status, 404);
    const beta = await kubeRequest(kube, 'GET', '/apis/external-secrets.io/v1beta1/clustersecretstores/shared');
    const alpha = await kubeRequest(kube, 'GET', '/apis/external-secrets.io/v1alpha1/clustersecretstores/shared');
    assert.equal(beta.status, 200);
    assert.equal(beta.json.apiVersion, 'external-secrets.io/v1beta1');
    assert.equal(alpha.json.apiVersion, 'external-secrets.io/v1alpha1');
    assert.equal(alpha.json.metadata.uid, beta.json.metadata.uid);
    assert.equal(beta.json.status.conditions[0].reason, 'InvalidProviderConfig');
    // Cluster-scoped: there is no namespaced path for it.
    assert.equal((await kubeRequest(kube, 'GET', '/apis/external-secrets.io/v1beta1/namespaces/default/clustersecretstores/shared')).status, 404);
    const ss = await kubeRequest(kube, 'GET', '/apis/external-secrets.io/v1beta1/namespaces/team-a/secretstores?limit=1');
    assert.equal(ss.json.kind, 'SecretStoreList');
    assert.equal(ss.json.apiVersion, 'external-secrets.io/v1beta1');
    assert.equal(ss.json.items[0].metadata.name, 'vault');
    // A watch in the older version sees the stored objects in that version.
    const w = await kubeWatch(kube, '/apis/external-secrets.io/v1alpha1/clustersecretstores?watch=true');
    try {
      const e = await w.waitFor((x) => x.type === 'ADDED' && x.object.metadata?.name === 'shared', 5000);
      assert.equal(e.object.apiVersion, 'external-secrets.io/v1alpha1');
    } finally {
      w.close();
    }
  });

  it('a cluster without the CRDs answers 404 for their groups and paths (and lists no CRD)', async () => {
    const { kube } = await cluster('healthy');
    for (const p of [
      '/apis/secrets-store.csi.x-k8s.io',
      '/apis/secrets-store.csi.x-k8s.io/v1',
      '/apis/secrets-store.csi.x-k8s.io/v1/namespaces/web/secretproviderclasses',
      '/apis/secrets-store.csi.x-k8s.io/v1/namespaces/web/secretproviderclasses/kv-secrets',
      '/apis/keda.sh/v1alpha1/namespaces/app/triggerauthentications',
      '/apis/external-secrets.io/v1/clustersecretstores',
      '/apis/cert-manager.io/v1/clusterissuers',
    ]) {
      const r = await kubeRequest(kube, 'GET', p);
      assert.equal(r.status, 404, p);
      assert.equal(r.json.kind, 'Status', p);
    }
    const groups = ((await kubeRequest(kube, 'GET', '/apis')).json as { groups: { name: string }[] }).groups.map((g) => g.name);
    assert.ok(groups.includes('apiextensions.k8s.io'));
    for (const g of ['secrets-store.csi.x-k8s.io', 'keda.sh', 'external-secrets.io', 'cert-manager.io']) assert.ok(!groups.includes(g), g);
    assert.deepEqual((await kubeRequest(kube, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions')).json.items, []);
  });

  it('creating a CRD through the API makes its types served; deleting it makes them 404 again', async () => {
    const { kube } = await ownCluster(SPC_HEALTHY);
    const path = '/apis/keda.sh/v1alpha1/namespaces/web/triggerauthentications';
    assert.equal((await kubeRequest(kube, 'GET', path)).status, 404);
    const ta = KEDA_CRDS.find((d) => d.kind === 'TriggerAuthentication')!;
    const crd = crdObject(ta, { created: Date.now() });
    const { status: _s, ...body } = crd;
    for (const k of ['uid', 'creationTimestamp'] as const) delete body.metadata[k];
    assert.equal((await kubeRequest(kube, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body })).status, 201);
    assert.equal((await kubeRequest(kube, 'GET', path)).status, 200);
    const created = await kubeRequest(kube, 'POST', path, { body: { apiVersion: 'keda.sh/v1alpha1', kind: 'TriggerAuthentication', metadata: { name: 'x' }, spec: { podIdentity: { provider: 'azure-workload' } } } });
    assert.equal(created.status, 201, created.text);
    assert.equal((await kubeRequest(kube, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/triggerauthentications.keda.sh')).status, 200);
    assert.equal((await kubeRequest(kube, 'GET', `${path}/x`)).status, 404);
    // Its objects went with it: installing it again finds none.
    assert.equal((await kubeRequest(kube, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body })).status, 201);
    assert.deepEqual((await kubeRequest(kube, 'GET', path)).json.items, []);
  });

  const KUBECTL = '/usr/bin/kubectl';
  it('the real kubectl resolves the short names and lists them', { skip: existsSync(KUBECTL) ? false : 'no kubectl' }, async () => {
    const { kubeconfig } = await cluster(KEDA_OPERATOR_UNLABELLED);
    const k = (...args: string[]) =>
      new Promise<string>((resolve, reject) =>
        execFile(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kubectl-cache'), '--request-timeout', '10s', ...args], { timeout: 20_000, env: { ...process.env, HOME: dir, KUBECONFIG: '' } }, (e, out, stderr) => (e ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`)) : resolve(out))),
      );
    assert.match(await k('get', 'ta', '-A', '-o', 'name'), /^triggerauthentication\.keda\.sh\/queue-auth$/m);
    assert.match(await k('get', 'triggerauth', '-n', 'app', 'queue-auth', '-o', 'jsonpath={.spec.podIdentity.provider}'), /^azure-workload$/);
    assert.match(await k('get', 'crd', '-o', 'name'), /customresourcedefinition\.apiextensions\.k8s\.io\/clustertriggerauthentications\.keda\.sh/);
  });
});

// ---- Diagnose a consumer, cluster only ------------------------------------------------------------------------

describe('diagnose a consumer object (CLI, JSON, --no-azure)', () => {
  it('spc-healthy: the class authenticates as the mounting pods\' ServiceAccount web; the chain runs on deployment/web without the webhook\'s part; exit 0', async () => {
    const { kubeconfig } = await cluster(SPC_HEALTHY);
    const { code, json } = await diagnoseJson(['-n', 'web', 'spc/kv-secrets'], kubeconfig);
    assert.deepEqual(json.consumer, { kind: 'SecretProviderClass', namespace: 'web', name: 'kv-secrets', summary: 'SecretProviderClass kv-secrets authenticates as the ServiceAccount web of the pods that mount it (namespace web).' });
    assert.deepEqual(json.workload, { namespace: 'web', kind: 'Deployment', name: 'web' });
    assert.deepEqual(ids(json), ['cluster-connection', 'consumer-identity', 'cluster-oidc-issuer', 'service-account', 'projected-token', 'consumer-status']);
    for (const id of INJECTION) assert.ok(!ids(json).includes(id), id);
    assert.equal(json.firstFailure, null, show(json));
    assert.equal(code, 0, show(json));
    const who = cp(json, 'consumer-identity');
    assert.deepEqual(who.evidence.find((e) => e.label === 'token of'), { label: 'token of', value: 'ServiceAccount web/web (subject system:serviceaccount:web:web)', level: 'ok' });
    assert.match(cp(json, 'service-account').summary, /client ID 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f comes from SecretProviderClass kv-secrets \(spec\.parameters\.clientID\)/);
    assert.match(cp(json, 'projected-token').summary, /system:serviceaccount:web:web/);
  });

  it('spc-wrong-subject: the FailedMount event with the provider\'s AADSTS70021 is the first broken link; exit 1', async () => {
    const { kubeconfig } = await cluster(SPC_WRONG_SUBJECT);
    const { code, json } = await diagnoseJson(['-n', 'web', 'spc/kv-secrets'], kubeconfig);
    assert.equal(json.consumer?.summary, 'SecretProviderClass kv-secrets authenticates as the ServiceAccount web of the pods that mount it (namespace web).');
    assert.deepEqual(json.workload, { namespace: 'web', kind: 'Deployment', name: 'web' });
    assert.equal(json.firstFailure, 'consumer-status', show(json));
    assert.equal(code, 1);
    const st = cp(json, 'consumer-status');
    assert.match(st.summary, /^The CSI driver fails to mount kv-secrets in namespace web: MountVolume\.SetUp failed for volume "secrets-store-inline"/);
    assert.ok(st.evidence.some((e) => e.label === 'AADSTS70021' && e.level === 'fail'), JSON.stringify(st.evidence, null, 1));
    for (const id of INJECTION) assert.ok(!ids(json).includes(id), id);
  });

  it('keda-operator-unlabelled: a TriggerAuthentication authenticates as the KEDA operator, whose pod template lacks the label; exit 1', async () => {
    const { kubeconfig } = await cluster(KEDA_OPERATOR_UNLABELLED);
    const { code, json } = await diagnoseJson(['-n', 'app', 'ta/queue-auth'], kubeconfig);
    assert.deepEqual(json.consumer, { kind: 'TriggerAuthentication', namespace: 'app', name: 'queue-auth', summary: 'TriggerAuthentication queue-auth authenticates as the KEDA operator: ServiceAccount keda-operator in keda, whose pod must carry the azure.workload.identity/use label.' });
    assert.deepEqual(json.workload, { namespace: 'keda', kind: 'Deployment', name: 'keda-operator' });
    assert.deepEqual(ids(json), ['cluster-connection', 'consumer-identity', 'cluster-oidc-issuer', 'webhook', 'pod-label', 'service-account', 'sdk-environment', 'projected-token', 'consumer-status', 'pod-logs']);
    assert.equal(json.firstFailure, 'pod-label', show(json));
    assert.equal(code, 1);
    assert.equal(cp(json, 'consumer-status').status, 'skipped');
    assert.match(cp(json, 'consumer-identity').evidence.find((e) => e.label === 'checkpoints run on')!.value, /^deployment\/keda-operator in keda runs the KEDA operator$/);
  });

  it('eso-store-not-ready: ClusterSecretStore shared authenticates as the operator; ESO\'s Ready False "unable to create client" fails; exit 1', async () => {
    const { kubeconfig } = await cluster(ESO_STORE_NOT_READY);
    const { code, json } = await diagnoseJson(['css/shared'], kubeconfig);
    assert.deepEqual(json.consumer, { kind: 'ClusterSecretStore', name: 'shared', summary: 'ClusterSecretStore shared authenticates as the External Secrets operator: ServiceAccount external-secrets in external-secrets, whose pod must carry the azure.workload.identity/use label.' });
    assert.deepEqual(json.workload, { namespace: 'external-secrets', kind: 'Deployment', name: 'external-secrets' });
    const st = cp(json, 'consumer-status');
    assert.equal(st.status, 'fail');
    assert.equal(st.summary, 'ClusterSecretStore shared is not Ready: unable to create client');
    assert.deepEqual(st.evidence[0], { label: 'Ready', value: 'False (InvalidProviderConfig): unable to create client', level: 'fail' });
    // The AADSTS code is in the operator's log (ESO puts it in the event and the log, not the condition).
    assert.equal(cp(json, 'pod-logs').status, 'fail', show(json));
    assert.ok(json.firstFailure === 'consumer-status' || json.firstFailure === 'pod-logs', show(json));
    assert.equal(code, 1);
  });

  it('eso-store-not-ready: the controller\'s own report comes before the logs with or without Azure', async () => {
    const { kubeconfig } = await cluster(ESO_STORE_NOT_READY);
    const { json } = await diagnoseJson(['css/shared'], kubeconfig);
    assert.equal(json.firstFailure, 'consumer-status', show(json));
    assert.ok(ids(json).indexOf('consumer-status') < ids(json).indexOf('pod-logs'), ids(json).join(' '));
  });

  it('eso-store-not-ready: the operator is found by image once — not its webhook and cert-controller, which run the same image', async () => {
    const { kubeconfig } = await cluster(ESO_STORE_NOT_READY);
    const { json } = await diagnoseJson(['css/shared'], kubeconfig);
    const tokens = cp(json, 'consumer-identity').evidence.filter((e) => e.label === 'token of').map((e) => e.value);
    assert.deepEqual(tokens, ['ServiceAccount external-secrets/external-secrets (subject system:serviceaccount:external-secrets:external-secrets)']);
  });

  it('eso: a SecretStore with serviceAccountRef runs the chain on that ServiceAccount alone — no label, injection or pod logs; exit 0 without Azure', async () => {
    const { kubeconfig } = await cluster(ESO_STORE_NOT_READY);
    const { code, json } = await diagnoseJson(['-n', 'team-a', 'ss/vault'], kubeconfig);
    assert.deepEqual(json.consumer, { kind: 'SecretStore', namespace: 'team-a', name: 'vault', summary: 'SecretStore vault authenticates as the ServiceAccount eso-sa in team-a (spec.provider.azurekv.serviceAccountRef).' });
    assert.deepEqual(json.workload, { namespace: 'team-a', kind: 'ServiceAccount', name: 'eso-sa' });
    assert.deepEqual(ids(json), ['cluster-connection', 'consumer-identity', 'cluster-oidc-issuer', 'service-account', 'projected-token', 'consumer-status']);
    const who = cp(json, 'consumer-identity').evidence;
    assert.equal(who.find((e) => e.label === 'label needed')?.value, 'on no pod: its controller requests the token of ServiceAccount eso-sa itself');
    assert.equal(who.find((e) => e.label === 'checkpoints run on')?.value, 'The External Secrets operator requests a token of ServiceAccount eso-sa in team-a itself (spec.provider.azurekv.serviceAccountRef): no pod carries it, so no label or injection is needed');
    assert.match(cp(json, 'projected-token').summary, /system:serviceaccount:team-a:eso-sa/);
    assert.equal(json.firstFailure, null, show(json));
    assert.equal(code, 0, show(json));
  });

  it('eso: a serviceAccountRef naming a ServiceAccount that does not exist is the broken link (service-account), not "not found"; exit 1', async () => {
    const { kube, kubeconfig } = await ownCluster(ESO_STORE_NOT_READY);
    kube.store.delete('ServiceAccount', 'team-a', 'eso-sa');
    const { code, json } = await diagnoseJson(['-n', 'team-a', 'ss/vault'], kubeconfig);
    assert.equal(json.firstFailure, 'service-account', show(json));
    assert.equal(cp(json, 'service-account').summary, 'The ServiceAccount "eso-sa" does not exist in namespace "team-a": SecretStore vault names it, so no token of it can be requested and the exchange cannot happen.');
    assert.equal(cp(json, 'projected-token').status, 'skipped', show(json));
    assert.equal(code, 1);
  });

  it('eso: a ClusterSecretStore whose serviceAccountRef has no namespace (referent authentication) has no one ServiceAccount to check: exit 2 with the sentence', async () => {
    const { kube, kubeconfig } = await ownCluster(ESO_STORE_NOT_READY);
    kube.store.patch('ClusterSecretStore', undefined, 'shared', { spec: { provider: { azurekv: { serviceAccountRef: { name: 'eso-sa' } } } } });
    const r = await cli(['css/shared', '--format', 'json', '--no-azure'], kubeconfig);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.out, '');
    assert.equal(r.err, 'wi-doctor: ClusterSecretStore shared authenticates as the ServiceAccount eso-sa in the namespace of each ExternalSecret that uses it (spec.provider.azurekv.serviceAccountRef). Nothing to run the checkpoints on: the ServiceAccount is eso-sa of whichever namespace uses it, so each such namespace needs a federated credential for system:serviceaccount:<namespace>:eso-sa.\n');
  });

  it('issuer-not-ready: ClusterIssuer letsencrypt authenticates as cert-manager\'s controller; its log shows AADSTS70021; exit 1', async () => {
    const { kubeconfig } = await cluster(ISSUER_NOT_READY);
    const { code, json } = await diagnoseJson(['clusterissuer/letsencrypt'], kubeconfig);
    assert.deepEqual(json.consumer, { kind: 'ClusterIssuer', name: 'letsencrypt', summary: "ClusterIssuer letsencrypt authenticates as cert-manager's controller: ServiceAccount cert-manager in cert-manager, whose pod must carry the azure.workload.identity/use label." });
    assert.deepEqual(json.workload, { namespace: 'cert-manager', kind: 'Deployment', name: 'cert-manager' });
    assert.ok(ids(json).includes('pod-label') && ids(json).includes('pod-logs'));
    // The controller's own report (the failing Challenge) comes before its logs.
    assert.equal(json.firstFailure, 'consumer-status', show(json));
    assert.match(cp(json, 'pod-logs').summary, /AADSTS70021/);
    assert.match(cp(json, 'service-account').summary, /comes from ClusterIssuer letsencrypt \(spec\.acme\.solvers\[0\]\.dns01\.azureDNS\.managedIdentity\.clientID\)/);
    assert.equal(code, 1);
  });

  it('issuer-not-ready: the controller\'s report is the failing Challenge, not the issuer\'s ACME-account Ready', async () => {
    const { kubeconfig } = await cluster(ISSUER_NOT_READY);
    const { json } = await diagnoseJson(['clusterissuer/letsencrypt'], kubeconfig);
    const st = cp(json, 'consumer-status');
    assert.doesNotMatch(st.summary, /authenticated/);
    assert.equal(st.status, 'fail', st.summary);
    assert.match(st.summary, /authentication failed|Challenge/);
  });

  it('spc: a volume not named after the driver still has its FailedMount found', async () => {
    const { kubeconfig } = await cluster(spcWrongSubjectScenario({ volume: 'kv' }));
    const { json } = await diagnoseJson(['-n', 'web', 'spc/kv-secrets'], kubeconfig);
    assert.equal(cp(json, 'consumer-status').status, 'fail', cp(json, 'consumer-status').summary);
  });

  it('spc: the AADSTS code is explained even when the kubelet\'s "timed out waiting for the condition" event is the newest', async () => {
    const { kubeconfig } = await cluster(spcWrongSubjectScenario({ timeoutNewest: true }));
    const { json } = await diagnoseJson(['-n', 'web', 'spc/kv-secrets'], kubeconfig);
    const st = cp(json, 'consumer-status');
    assert.equal(st.status, 'fail');
    assert.ok(st.evidence.some((e) => e.label === 'AADSTS70021'), JSON.stringify(st.evidence, null, 1));
  });

  it('spc/nope: exit 2, "was not found"', async () => {
    const { kubeconfig } = await cluster(SPC_HEALTHY);
    const r = await cli(['-n', 'web', 'spc/nope', '--no-azure'], kubeconfig);
    assert.equal(r.code, 2);
    assert.equal(r.err, 'wi-doctor: SecretProviderClass web/nope was not found in context fake-aks.\n');
  });

  it('css/nope where External Secrets serves only v1beta1 (v0.14): "was not found", not "serves no ClusterSecretStore resource"', async () => {
    const { kubeconfig } = await cluster(ESO_STORE_NOT_READY);
    const r = await cli(['css/nope', '--no-azure'], kubeconfig);
    assert.equal(r.code, 2);
    assert.equal(r.err, 'wi-doctor: ClusterSecretStore nope was not found in context fake-aks.\n');
  });

  it('a cluster without the CRDs: exit 2, "serves no SecretProviderClass resource"', async () => {
    const { kubeconfig } = await cluster('healthy');
    for (const [ref, kind, group] of [['spc/kv-secrets', 'SecretProviderClass', 'secrets-store.csi.x-k8s.io'], ['css/shared', 'ClusterSecretStore', 'external-secrets.io'], ['ta/queue-auth', 'TriggerAuthentication', 'keda.sh'], ['clusterissuer/letsencrypt', 'ClusterIssuer', 'cert-manager.io']] as const) {
      const r = await cli(['-n', 'web', ref, '--no-azure'], kubeconfig);
      assert.equal(r.code, 2, ref);
      assert.equal(r.err, `wi-doctor: The cluster serves no ${kind} resource (${group}): the controller that defines it is not installed in context fake-aks.\n`);
    }
  });

  it('short names, plurals and qualified names name the same consumer', async () => {
    const cases: [Scenario, string[], string[]][] = [
      [SPC_HEALTHY, ['-n', 'web'], ['spc/kv-secrets', 'secretproviderclass/kv-secrets', 'SecretProviderClasses/kv-secrets', 'secretproviderclasses.secrets-store.csi.x-k8s.io/kv-secrets']],
      [KEDA_OPERATOR_UNLABELLED, ['-n', 'app'], ['ta/queue-auth', 'triggerauth/queue-auth', 'triggerauthentication/queue-auth']],
      [ESO_STORE_NOT_READY, [], ['css/shared', 'clustersecretstore/shared', 'clustersecretstores.external-secrets.io/shared']],
      [ISSUER_NOT_READY, [], ['clusterissuer/letsencrypt', 'ClusterIssuer/letsencrypt', 'clusterissuers/letsencrypt']],
    ];
    for (const [scenario, ns, refs] of cases) {
      const { kubeconfig } = await cluster(scenario);
      const seen = new Set<string>();
      for (const ref of refs) {
        const { json } = await diagnoseJson([...ns, ref], kubeconfig);
        assert.ok(json.consumer, ref);
        seen.add(JSON.stringify([json.consumer, json.workload]));
      }
      assert.equal(seen.size, 1, [...seen].join('\n'));
    }
  });

  it('text output: the header names the consumer and its carrier, the next line whose identity', async () => {
    const { kubeconfig } = await cluster(SPC_HEALTHY);
    const r = await cli(['-n', 'web', 'spc/kv-secrets', '--no-azure', '--no-color'], kubeconfig, { version: '9.9.9' });
    assert.equal(r.code, 0, r.out);
    const [first, second] = r.out.split('\n');
    assert.equal(first, 'Workload Identity diagnosis of secretproviderclass/kv-secrets in web (through deployment/web in web) (wi-doctor 9.9.9)');
    assert.equal(second, '  SecretProviderClass kv-secrets authenticates as the ServiceAccount web of the pods that mount it (namespace web).');
    const css = await cli(['css/shared', '--no-azure', '--no-color'], (await cluster(ESO_STORE_NOT_READY)).kubeconfig, { version: '9.9.9' });
    assert.equal(css.out.split('\n')[0], 'Workload Identity diagnosis of clustersecretstore/shared (through deployment/external-secrets in external-secrets) (wi-doctor 9.9.9)');
  });

  it('403 on listing Deployments in every namespace: the default installation\'s Deployment is read instead', async () => {
    const { kube, kubeconfig } = await ownCluster(KEDA_OPERATOR_UNLABELLED);
    kube.setFaults([{ method: 'GET', path: '/apis/apps/v1/deployments', status: 403 }]);
    kube.resetRequests();
    const { code, json } = await diagnoseJson(['-n', 'app', 'ta/queue-auth'], kubeconfig);
    assert.ok(kube.requests.some((r) => r.path === '/apis/apps/v1/deployments' && r.status === 403), 'the cluster-wide list was refused');
    assert.ok(kube.requests.some((r) => r.path === '/apis/apps/v1/namespaces/keda/deployments/keda-operator' && r.status === 200), 'the default installation was read');
    assert.deepEqual(json.workload, { namespace: 'keda', kind: 'Deployment', name: 'keda-operator' });
    assert.equal(json.consumer?.summary, 'TriggerAuthentication queue-auth authenticates as the KEDA operator: ServiceAccount keda-operator in keda, whose pod must carry the azure.workload.identity/use label.');
    assert.equal(json.firstFailure, 'pod-label', show(json));
    assert.equal(code, 1);
  });
});

// ---- With the local Azure ----------------------------------------------------------------------------------------

describe('diagnose a SecretProviderClass with Azure (CLI, JSON)', () => {
  const azureOf = (c: FakeCloud): RunDeps['azure'] => () => azureProvider({ endpoints: c.endpoints, credential: async () => c.signIn(), notSignedIn: 'Not signed in to Azure (test).', timeoutMs: 5000, anonymousExchange: true });
  async function cloud(scenario: AzureScenario): Promise<{ c: FakeCloud; kubeconfig: string }> {
    const c = await startFakeCloud({ scenario });
    clouds.push(c);
    return { c, kubeconfig: c.kube.writeKubeconfig(join(dir, `kc-azure-${clouds.length}.yaml`)) };
  }

  it('spc-healthy: the identity is federated with web:web; the pods\' token is exchanged; exit 0', async () => {
    const { c, kubeconfig } = await cloud(SPC_HEALTHY_AZURE);
    const { code, json } = await diagnoseJson(['-n', 'web', 'spc/kv-secrets'], kubeconfig, { azure: azureOf(c) });
    assert.deepEqual(ids(json), ['cluster-connection', 'consumer-identity', 'cluster-oidc-issuer', 'service-account', 'projected-token', 'consumer-status', 'managed-identity', 'federated-credential', 'role-assignments', 'token-exchange']);
    assert.equal(json.firstFailure, null, show(json));
    assert.equal(cp(json, 'managed-identity').status, 'pass', show(json));
    assert.equal(cp(json, 'federated-credential').status, 'pass', show(json));
    assert.equal(cp(json, 'token-exchange').status, 'pass', show(json));
    assert.match(cp(json, 'token-exchange').summary, new RegExp(`ServiceAccount web(/web)?\\b`));
    assert.ok(code === 0, `${code}\n${show(json)}`);
    assert.deepEqual(c.requests().filter((r) => r.method === 'PUT' || r.method === 'DELETE' || r.method === 'PATCH'), []);
  });

  it('spc-wrong-subject: the mount failure first, then the federated credential names web:default, not web:web; Entra refuses the exchange; exit 1', async () => {
    const { c, kubeconfig } = await cloud(SPC_WRONG_SUBJECT_AZURE);
    const { code, json } = await diagnoseJson(['-n', 'web', 'spc/kv-secrets'], kubeconfig, { azure: azureOf(c) });
    assert.equal(json.firstFailure, 'consumer-status', show(json));
    const fic = cp(json, 'federated-credential');
    assert.equal(fic.status, 'fail', show(json));
    assert.ok(JSON.stringify(fic).includes(SPC_WRONG_SUBJECT_FIC), JSON.stringify(fic, null, 1));
    assert.ok(JSON.stringify(fic).includes(SPC_SUBJECT), JSON.stringify(fic, null, 1));
    const ex = cp(json, 'token-exchange');
    assert.equal(ex.status, 'fail', show(json));
    assert.match(JSON.stringify(ex), /AADSTS700213/);
    assert.equal(code, 1);
  });

  it('eso-sa-healthy: SecretStore team-a/vault — the identity federated with team-a:eso-sa, the ServiceAccount\'s own token exchanged; exit 0', async () => {
    const { c, kubeconfig } = await cloud(ESO_SA_HEALTHY_AZURE);
    const { code, json } = await diagnoseJson(['-n', 'team-a', 'ss/vault'], kubeconfig, { azure: azureOf(c) });
    assert.deepEqual(ids(json), ['cluster-connection', 'consumer-identity', 'cluster-oidc-issuer', 'service-account', 'projected-token', 'consumer-status', 'managed-identity', 'federated-credential', 'role-assignments', 'token-exchange']);
    assert.equal(json.firstFailure, null, show(json));
    assert.equal(cp(json, 'token-exchange').status, 'pass', show(json));
    assert.equal(code, 0, show(json));
  });

  it('eso-sa-wrong-subject: the credential names the operator\'s ServiceAccount, the store\'s serviceAccountRef is eso-sa: federated-credential fails with both subjects; Entra refuses; exit 1', async () => {
    const { c, kubeconfig } = await cloud(ESO_SA_WRONG_SUBJECT_AZURE);
    const { code, json } = await diagnoseJson(['-n', 'team-a', 'ss/vault'], kubeconfig, { azure: azureOf(c) });
    assert.equal(json.firstFailure, 'federated-credential', show(json));
    const fic = JSON.stringify(cp(json, 'federated-credential'));
    assert.ok(fic.includes(ESO_SUBJECT) && fic.includes(ESO_WRONG_SUBJECT_FIC), fic);
    assert.match(JSON.stringify(cp(json, 'token-exchange')), /AADSTS700213/);
    assert.equal(code, 1);
    assert.deepEqual(c.requests().filter((r) => r.method === 'PUT' || r.method === 'DELETE' || r.method === 'PATCH'), []);
  });

  it('issuer with DNS Zone Contributor on the zone its solver names: role-assignments passes — a management-plane role is what DNS-01 needs', async () => {
    const { c, kubeconfig } = await cloud(ISSUER_DNS_ROLE_AZURE);
    const { json } = await diagnoseJson(['clusterissuer/letsencrypt'], kubeconfig, { azure: azureOf(c) });
    const roles = cp(json, 'role-assignments');
    assert.equal(roles.status, 'pass', show(json));
    const zone = roles.evidence.find((e) => e.label === 'DNS zone contoso.com');
    assert.equal(zone?.level, 'ok', JSON.stringify(roles.evidence));
    assert.match(zone!.value, /write TXT records granted by DNS Zone Contributor at /);
    assert.ok(zone!.value.includes('contoso.com') && !zone!.value.includes('rg-dns-staging'), zone!.value);
  });

  it('issuer without a role on its DNS zone: role-assignments fails naming DNS Zone Contributor on the zone in rg-dns (Reader does not count)', async () => {
    const { c, kubeconfig } = await cloud(ISSUER_NO_DNS_ROLE_AZURE);
    const { json } = await diagnoseJson(['clusterissuer/letsencrypt'], kubeconfig, { azure: azureOf(c) });
    const roles = cp(json, 'role-assignments');
    assert.equal(roles.status, 'fail', show(json));
    assert.match(roles.summary, /DNS Zone Contributor on contoso\.com is missing/);
    const reader = roles.evidence.filter((e) => e.label === 'Reader').map((e) => e.value);
    assert.ok(reader.some((v) => /^at resource group rg-dns.*: its actions include none of Microsoft\.Network\/dnsZones\/TXT\/write$/.test(v)), reader.join('\n'));
    assert.ok(JSON.stringify(roles).includes(`--scope ${DNS_ZONE_ID}`), JSON.stringify(roles, null, 1));
  });

  it('keda with Azure Service Bus Data Receiver only: the scaler of ScaledObject app/queue-worker reads runtime properties (Manage): role-assignments fails naming Data Owner on sb-payments-prod', async () => {
    const { c, kubeconfig } = await cloud(KEDA_SB_RECEIVER_AZURE);
    const { json } = await diagnoseJson(['-n', 'app', 'ta/queue-auth'], kubeconfig, { azure: azureOf(c) });
    const roles = cp(json, 'role-assignments');
    assert.equal(roles.status, 'fail', show(json));
    assert.match(roles.summary, /Azure Service Bus Data Owner on sb-payments-prod is missing/);
    const sb = roles.evidence.find((e) => e.label === 'Service Bus namespace sb-payments-prod');
    assert.match(sb?.value ?? '', /used \(ScaledObject app\/queue-worker \(azure-servicebus, queue orders\)\); no role assignment grants read runtime properties \(Manage\)/);
    assert.ok(JSON.stringify(roles).includes(`--scope ${SERVICEBUS_ID}`), JSON.stringify(roles, null, 1));
  });

  it('keda with Azure Service Bus Data Owner on the namespace and Storage Queue Data Reader on the queue invoices itself: role-assignments passes', async () => {
    const { c, kubeconfig } = await cloud(KEDA_SB_OWNER_AZURE);
    const { json } = await diagnoseJson(['-n', 'app', 'ta/queue-auth'], kubeconfig, { azure: azureOf(c) });
    const roles = cp(json, 'role-assignments');
    assert.equal(roles.status, 'pass', show(json));
    assert.match(roles.evidence.find((e) => e.label === 'Service Bus namespace sb-payments-prod')?.value ?? '', /read runtime properties \(Manage\) granted by Azure Service Bus Data Owner/);
    assert.match(roles.evidence.find((e) => e.label === 'queue invoices of storage account (queues) stpaymentsprod')?.value ?? '', /read the queue length \(Get Queue Metadata\) granted by Storage Queue Data Reader at invoices/);
  });

  it('keda with only Storage Queue Data Message Processor on the account: the azure-queue scaler of ScaledJob app/invoice-drain cannot read the queue length; role-assignments fails naming Storage Queue Data Reader', async () => {
    const { c, kubeconfig } = await cloud(KEDA_QUEUE_PROCESSOR_AZURE);
    const { json } = await diagnoseJson(['-n', 'app', 'ta/queue-auth'], kubeconfig, { azure: azureOf(c) });
    const roles = cp(json, 'role-assignments');
    assert.equal(roles.status, 'fail', show(json));
    assert.match(roles.summary, /Storage Queue Data Reader on stpaymentsprod is missing/);
    const q = roles.evidence.find((e) => e.label === 'queue invoices of storage account (queues) stpaymentsprod');
    assert.match(q?.value ?? '', /used \(ScaledJob app\/invoice-drain \(azure-queue, queue invoices\)\); no role assignment grants read the queue length/);
  });

  it('spc without a role on the Key Vault it names: role-assignments fails', async () => {
    const { c, kubeconfig } = await cloud(SPC_NO_KEYVAULT_ROLE_AZURE);
    const { json } = await diagnoseJson(['-n', 'web', 'spc/kv-secrets'], kubeconfig, { azure: azureOf(c) });
    assert.equal(cp(json, 'role-assignments').status, 'fail', show(json));
    assert.equal(json.firstFailure, 'role-assignments', show(json));
  });
});

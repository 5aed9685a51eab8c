// The fake AKS API server over plain HTTPS (no kubectl): Status errors as the real server
// words them (401, 403, 404, 409, 410, 422, 429), injected faults and latency, watches
// (selector exits, bookmarks, timeouts, 410 Gone), pagination, dry runs, TokenRequest and
// OIDC, admission through the simulated webhook, and restart() keeping data and port.
//
//   node scripts/run-unit-tests.mjs fake-kube-http

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getCerts } from '../fake-kube/certs';
import { kubeRequest, kubeStream, kubeWatch } from '../fake-kube/client';
import { DEFAULT_ISSUER } from '../fake-kube/scenarios';
import { startFakeKube, type FakeKube } from '../fake-kube/server';

const PODS = '/api/v1/namespaces/payments/pods';
const jwtPayload = (token: string): any => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

describe('fake-kube over HTTPS', { concurrency: 1 }, () => {
  let kube: FakeKube;
  before(async () => {
    kube = await startFakeKube({ scenario: 'healthy', bookmarkIntervalMs: 20 });
  });
  after(() => kube.stop());

  it('401 without a token or with a wrong one; /version is public; client certificates are accepted', async () => {
    for (const token of [null, 'nope']) {
      const r = await kubeRequest(kube, 'GET', PODS, { token });
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
    const v = await kubeRequest(kube, 'GET', '/version', { token: null });
    assert.equal(v.status, 200);
    assert.equal(v.json.gitVersion, 'v1.30.6');
    assert.equal(v.json.platform, 'linux/amd64');
    const certs = await getCerts();
    const r = await kubeRequest(kube, 'GET', PODS, { token: null, cert: certs.clientCertPem, key: certs.clientKeyPem });
    assert.equal(r.status, 200);
    assert.equal(kube.requests.at(-1)!.user, 'wi-doctor-test');
  });

  it('403 Forbidden in the real wording, for lists, names, subresources and other groups', async () => {
    kube.setForbid([
      { verb: 'list', resource: 'pods', namespace: 'payments' },
      { verb: 'get', resource: 'pods/log' },
      { verb: 'get', resource: 'deployments' },
      { verb: 'create', resource: 'serviceaccounts/token', namespace: 'payments' },
    ]);
    try {
      const list = await kubeRequest(kube, 'GET', PODS);
      assert.equal(list.status, 403);
      assert.deepEqual(list.json, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'pods is forbidden: User "wi-doctor-test" cannot list resource "pods" in API group "" in the namespace "payments"',
        reason: 'Forbidden',
        details: { kind: 'pods' },
        code: 403,
      });
      assert.equal((await kubeRequest(kube, 'GET', '/api/v1/namespaces/kube-system/pods')).status, 200);
      const pod = kube.store.list('Pod', 'payments')[0]!.metadata.name;
      const log = await kubeRequest(kube, 'GET', `${PODS}/${pod}/log`);
      assert.equal(log.json.message, `pods "${pod}" is forbidden: User "wi-doctor-test" cannot get resource "pods/log" in API group "" in the namespace "payments"`);
      const d = await kubeRequest(kube, 'GET', '/apis/apps/v1/namespaces/payments/deployments/api');
      assert.equal(d.json.message, 'deployments.apps "api" is forbidden: User "wi-doctor-test" cannot get resource "deployments" in API group "apps" in the namespace "payments"');
      assert.deepEqual(d.json.details, { name: 'api', group: 'apps', kind: 'deployments' });
      const tr = await kubeRequest(kube, 'POST', '/api/v1/namespaces/payments/serviceaccounts/api-sa/token', { body: { spec: { audiences: ['api://AzureADTokenExchange'] } } });
      assert.equal(tr.status, 403);
      assert.match(tr.json.message, /cannot create resource "serviceaccounts\/token"/);
      const cluster = await kubeRequest(kube, 'GET', '/apis/apps/v1/deployments');
      assert.equal(cluster.status, 200, 'only get was forbidden, not list');
    } finally {
      kube.setForbid([]);
    }
  });

  it('429 with Retry-After, then success once the fault has fired', async () => {
    kube.setFaults([{ path: PODS, status: 429, retryAfterSeconds: 2, times: 1 }]);
    try {
      const first = await kubeRequest(kube, 'GET', PODS);
      assert.equal(first.status, 429);
      assert.equal(first.headers['retry-after'], '2');
      assert.equal(first.json.reason, 'TooManyRequests');
      assert.equal(first.json.details.retryAfterSeconds, 2);
      const second = await kubeRequest(kube, 'GET', PODS);
      assert.equal(second.status, 200);
      assert.equal(second.json.kind, 'PodList');
    } finally {
      kube.setFaults([]);
    }
  });

  it('faults: a regexp on path and query, by method; hangs and connection resets', async () => {
    kube.setFaults([
      { method: 'GET', path: /\/pods\?.*watch=true/, status: 503 },
      { path: '/api/v1/namespaces/kube-system', hang: true, times: 1 },
      { path: '/api/v1/namespaces/default', reset: true, times: 1 },
    ]);
    try {
      assert.equal((await kubeRequest(kube, 'GET', `${PODS}?watch=true`)).status, 503);
      assert.equal((await kubeRequest(kube, 'GET', PODS)).status, 200);
      await assert.rejects(kubeRequest(kube, 'GET', '/api/v1/namespaces/kube-system/pods', { timeoutMs: 150 }), /timeout/);
      assert.equal(kube.requests.at(-1)!.status, 0, 'the hung request was never answered');
      await assert.rejects(kubeRequest(kube, 'GET', '/api/v1/namespaces/default/configmaps'), /socket hang up|ECONNRESET/);
      assert.equal((await kubeRequest(kube, 'GET', '/api/v1/namespaces/default/configmaps')).status, 200, 'the reset fired once');
    } finally {
      kube.setFaults([]);
    }
  });

  it('latency is added to every request', async () => {
    kube.setLatency(60);
    try {
      const t0 = Date.now();
      await kubeRequest(kube, 'GET', '/api/v1/namespaces');
      assert.ok(Date.now() - t0 >= 60);
    } finally {
      kube.setLatency(0);
    }
  });

  it('404, 409 AlreadyExists, 409 Conflict on a stale update, 422 on immutable fields and invalid labels', async () => {
    const nf = await kubeRequest(kube, 'GET', '/apis/apps/v1/namespaces/payments/deployments/nope');
    assert.equal(nf.status, 404);
    assert.deepEqual(nf.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "nope" not found', reason: 'NotFound', details: { name: 'nope', group: 'apps', kind: 'deployments' }, code: 404 });
    assert.equal((await kubeRequest(kube, 'GET', '/apis/nothing/v1/things')).status, 404);

    const sa = kube.store.get('ServiceAccount', 'payments', 'api-sa')!;
    const dup = await kubeRequest(kube, 'POST', '/api/v1/namespaces/payments/serviceaccounts', { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api-sa' } } });
    assert.equal(dup.status, 409);
    assert.equal(dup.json.reason, 'AlreadyExists');
    assert.equal(dup.json.message, 'serviceaccounts "api-sa" already exists');

    const url = '/api/v1/namespaces/payments/serviceaccounts/api-sa';
    const ok = await kubeRequest(kube, 'PUT', url, { body: { ...sa, metadata: { ...sa.metadata, labels: { v: '1' } } } });
    assert.equal(ok.status, 200);
    assert.notEqual(ok.json.metadata.resourceVersion, sa.metadata.resourceVersion);
    const stale = await kubeRequest(kube, 'PUT', url, { body: { ...sa, metadata: { ...sa.metadata, labels: { v: '2' } } } });
    assert.equal(stale.status, 409);
    assert.equal(stale.json.reason, 'Conflict');
    assert.equal(stale.json.message, 'Operation cannot be fulfilled on serviceaccounts "api-sa": the object has been modified; please apply your changes to the latest version and try again');

    const sel = await kubeRequest(kube, 'PATCH', '/apis/apps/v1/namespaces/payments/deployments/api', {
      contentType: 'application/merge-patch+json',
      body: { spec: { selector: { matchLabels: { app: 'api', 'azure.workload.identity/use': 'true' } } } },
    });
    assert.equal(sel.status, 422);
    assert.match(sel.json.message, /^Deployment.apps "api" is invalid: spec.selector: Invalid value: .*field is immutable$/);

    const boolLabel = await kubeRequest(kube, 'PATCH', '/apis/apps/v1/namespaces/payments/deployments/api', {
      contentType: 'application/merge-patch+json',
      body: { spec: { template: { metadata: { labels: { 'azure.workload.identity/use': true } } } } },
    });
    assert.equal(boolLabel.status, 400);
    assert.match(boolLabel.json.message, /cannot unmarshal bool into Go struct field ObjectMeta\.spec\.template\.metadata\.labels of type string/);

    const pod = kube.store.list('Pod', 'payments').find((p) => p.metadata.labels?.app === 'api')!;
    const podPatch = await kubeRequest(kube, 'PATCH', `${PODS}/${pod.metadata.name}`, {
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { containers: [{ name: 'api', env: [{ name: 'AZURE_CLIENT_ID', value: 'another-client-id' }] }] } },
    });
    assert.equal(podPatch.status, 422);
    assert.match(podPatch.json.message, /pod updates may not change fields other than/);
    const unsupported = await kubeRequest(kube, 'PATCH', url, { contentType: 'application/xml', body: '<sa/>' });
    assert.equal(unsupported.status, 415);
    const noManager = await kubeRequest(kube, 'PATCH', url, { contentType: 'application/apply-patch+yaml', body: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api-sa}\n' });
    assert.equal(noManager.status, 400);
    assert.match(noManager.json.message, /fieldManager is required for apply requests/);
  });

  it('lists page with limit/continue and remainingItemCount; selectors filter', async () => {
    const all = (await kubeRequest(kube, 'GET', '/api/v1/pods')).json;
    const names: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const page = (await kubeRequest(kube, 'GET', `/api/v1/pods?limit=4${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).json;
      names.push(...page.items.map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`));
      if (page.metadata.continue) assert.equal(page.metadata.remainingItemCount, all.items.length - names.length);
      assert.equal(page.metadata.resourceVersion, all.metadata.resourceVersion);
      cont = page.metadata.continue ?? '';
      pages++;
    } while (cont);
    assert.equal(pages, Math.ceil(all.items.length / 4));
    assert.deepEqual(names, all.items.map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`));
    assert.equal(all.items[0].kind, undefined, 'list items carry no kind, as on a real server');

    const q = async (s: string): Promise<string[]> => (await kubeRequest(kube, 'GET', `${PODS}?${s}`)).json.items.map((p: any) => p.metadata.labels.app);
    assert.deepEqual(new Set(await q('labelSelector=app%20in%20(api,settlement)')), new Set(['api', 'settlement']));
    assert.deepEqual(new Set(await q('labelSelector=app!%3Dapi')), new Set(['settlement']));
    assert.deepEqual(new Set(await q('labelSelector=app%20notin%20(api),job-name')), new Set(['settlement']));
    assert.deepEqual(new Set(await q('labelSelector=!job-name,azure.workload.identity/use%3D%3Dtrue')), new Set(['api']));
    assert.deepEqual(await q('fieldSelector=status.phase%3DSucceeded'), ['settlement']);
    assert.equal((await q('fieldSelector=status.phase!%3DSucceeded,metadata.namespace%3Dpayments')).length, 3);
    const bad = await kubeRequest(kube, 'GET', `${PODS}?fieldSelector=spec.containers%3Dx`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.message, 'field label not supported: spec.containers');
  });

  it('watch: ADDED/MODIFIED/DELETED from a resourceVersion, selector exits as DELETED, bookmarks, timeoutSeconds', async () => {
    const list = (await kubeRequest(kube, 'GET', `${PODS}?labelSelector=app%3Dapi`)).json;
    const w = await kubeWatch(kube, `${PODS}?watch=true&labelSelector=app%3Dapi&allowWatchBookmarks=true&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=5`);
    try {
      assert.equal(w.status, 200);
      const [a, b] = list.items.map((p: any) => p.metadata.name);
      kube.store.patch('Pod', 'payments', a, { metadata: { labels: { checked: 'yes' } } });
      const mod = await w.waitFor((e) => e.type === 'MODIFIED');
      assert.equal(mod.object.metadata.name, a);
      assert.equal(mod.object.kind, 'Pod');
      kube.store.patch('Pod', 'payments', a, { metadata: { labels: { app: 'debug' } } });
      const left = await w.waitFor((e) => e.type === 'DELETED' && e.object.metadata.name === a);
      assert.equal(left.object.metadata.labels.app, 'api', 'the last state that matched');
      const bm = await w.waitFor((e) => e.type === 'BOOKMARK');
      assert.deepEqual(Object.keys(bm.object.metadata), ['resourceVersion']);
      kube.store.patch('Pod', 'payments', a, { metadata: { labels: { app: 'api' } } });
      await w.waitFor((e) => e.type === 'ADDED' && e.object.metadata.name === a);
      // Deleting a ReplicaSet's pod: graceful MODIFIED, DELETED, and the replacement ADDED.
      await kubeRequest(kube, 'DELETE', `${PODS}/${b}`);
      await w.waitFor((e) => e.type === 'DELETED' && e.object.metadata.name === b);
      await w.waitFor((e) => e.type === 'ADDED' && e.object.metadata.name !== a && e.object.metadata.name !== b);
    } finally {
      w.close();
    }
    const short = await kubeWatch(kube, `${PODS}?watch=1&timeoutSeconds=1`);
    await short.ended;
    assert.ok(short.events.length >= 4 && short.events.every((e) => e.type === 'ADDED'), 'a watch without resourceVersion starts with the current state');
  });

  it('410 Gone (Expired) for a watch or a continue token older than the history', async () => {
    kube.store.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'payments' }, data: { a: '1' } });
    const list = (await kubeRequest(kube, 'GET', '/api/v1/namespaces/payments/configmaps?limit=1')).json;
    kube.store.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bump', namespace: 'payments' }, data: { a: '1' } });
    kube.store.compact();
    const r = await kubeRequest(kube, 'GET', `/api/v1/namespaces/payments/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}`);
    assert.equal(r.status, 410);
    assert.equal(r.json.reason, 'Expired');
    assert.match(r.json.message, /^too old resource version: \d+ \(\d+\)$/);
    const c = await kubeRequest(kube, 'GET', `/api/v1/namespaces/payments/configmaps?limit=1&continue=${encodeURIComponent(list.metadata.continue)}`);
    assert.equal(c.status, 410);
    const fresh = await kubeWatch(kube, `/api/v1/namespaces/payments/configmaps?watch=true&resourceVersion=${kube.store.resourceVersion}`);
    assert.equal(fresh.status, 200);
    fresh.close();
  });

  it('dryRun=All creates nothing; API-created pods go through the webhook', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry', namespace: 'payments' }, data: { a: '1' } };
    const dry = await kubeRequest(kube, 'POST', '/api/v1/namespaces/payments/configmaps?dryRun=All', { body: cm });
    assert.equal(dry.status, 201);
    assert.ok(dry.json.metadata.uid);
    assert.equal(kube.store.get('ConfigMap', 'payments', 'dry'), undefined);

    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: 'debug-', labels: { 'azure.workload.identity/use': 'true' } },
      spec: { serviceAccountName: 'api-sa', containers: [{ name: 'sh', image: 'mcr.microsoft.com/azure-cli:2.67.0' }] },
    };
    const created = await kubeRequest(kube, 'POST', PODS, { body: pod });
    assert.equal(created.status, 201);
    assert.match(created.json.metadata.name, /^debug-[a-z0-9]{5}$/);
    const env = created.json.spec.containers[0].env.map((e: any) => e.name);
    assert.deepEqual(env, ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_AUTHORITY_HOST']);
    assert.equal(kube.store.get('Pod', 'payments', created.json.metadata.name)!.status.phase, 'Running', 'scheduled and started');
    const noSa = await kubeRequest(kube, 'POST', PODS, { body: { ...pod, spec: { ...pod.spec, serviceAccountName: 'ghost' } } });
    assert.equal(noSa.status, 403);
    assert.match(noSa.json.message, /error looking up service account payments\/ghost: serviceaccount "ghost" not found/);
  });

  it('logs: follow streams appended lines; a pod with several containers needs ?container', async () => {
    const pod = kube.store.list('Pod', 'payments').find((p) => p.metadata.labels?.app === 'api')!.metadata.name;
    const follow = await kubeStream(kube, `${PODS}/${pod}/log?follow=true&tailLines=0`);
    assert.equal(follow.status, 200);
    kube.store.appendLog('payments', pod, 'api', '{"level":"info","msg":"reloaded config"}');
    assert.equal(await follow.waitFor((t) => t.includes('reloaded config')), '{"level":"info","msg":"reloaded config"}\n');
    follow.close();

    const p = kube.store.get('Pod', 'payments', pod)!;
    kube.store.put({ ...p, spec: { ...p.spec, containers: [...p.spec.containers, { name: 'sidecar', image: 'busybox:1.36' }] } });
    const r = await kubeRequest(kube, 'GET', `${PODS}/${pod}/log`);
    assert.equal(r.status, 400);
    assert.equal(r.json.message, `a container name must be specified for pod ${pod}, choose one of: [api sidecar]`);
    kube.store.put(p);
  });

  it('TokenRequest: claims, bound pod, 404 for a missing ServiceAccount, 422 for a short expiry', async () => {
    const pod = kube.store.list('Pod', 'payments').find((p) => p.metadata.labels?.app === 'api')!;
    const tr = await kubeRequest(kube, 'POST', '/api/v1/namespaces/payments/serviceaccounts/api-sa/token', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['api://AzureADTokenExchange'], expirationSeconds: 7200, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata.name } } },
    });
    assert.equal(tr.status, 201);
    assert.equal(tr.json.kind, 'TokenRequest');
    const claims = jwtPayload(tr.json.status.token);
    assert.equal(claims.exp - claims.iat, 7200);
    assert.equal(new Date(tr.json.status.expirationTimestamp).getTime() / 1000, claims.exp);
    assert.deepEqual(claims['kubernetes.io'].pod, { name: pod.metadata.name, uid: pod.metadata.uid });
    assert.equal(claims['kubernetes.io'].node.name, pod.spec.nodeName);
    const review = await kubeRequest(kube, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: tr.json.status.token } } });
    assert.equal(review.json.status.authenticated, true);
    assert.equal(review.json.status.user.username, 'system:serviceaccount:payments:api-sa');

    const missing = await kubeRequest(kube, 'POST', '/api/v1/namespaces/payments/serviceaccounts/ghost/token', { body: { spec: {} } });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'serviceaccounts "ghost" not found');
    const short = await kubeRequest(kube, 'POST', '/api/v1/namespaces/payments/serviceaccounts/api-sa/token', { body: { spec: { expirationSeconds: 60 } } });
    assert.equal(short.status, 422);
    assert.match(short.json.message, /may not specify a duration less than 10 minutes/);
  });

  it('aggregated discovery when asked for it, legacy otherwise', async () => {
    const agg = await kubeRequest(kube, 'GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    assert.match(String(agg.headers['content-type']), /as=APIGroupDiscoveryList/);
    const apps = agg.json.items.find((g: any) => g.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((r: any) => r.resource === 'deployments');
    assert.deepEqual(deploy.shortNames, ['deploy']);
    assert.ok(deploy.subresources.some((s: any) => s.subresource === 'scale' && s.responseKind.kind === 'Scale'));
    const legacy = await kubeRequest(kube, 'GET', '/api/v1');
    const names = legacy.json.resources.map((r: any) => r.name);
    for (const n of ['pods', 'pods/log', 'serviceaccounts/token', 'events', 'endpoints']) assert.ok(names.includes(n), n);
    assert.equal(legacy.json.resources.find((r: any) => r.name === 'serviceaccounts/token').group, 'authentication.k8s.io');
    assert.equal((await kubeRequest(kube, 'GET', '/openapi/v2')).status, 404);
  });

  it('restart() keeps the data and the port and drops open watches', async () => {
    kube.store.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'survivor', namespace: 'payments' }, data: { k: 'v' } });
    const port = kube.port;
    const w = await kubeWatch(kube, '/api/v1/namespaces/payments/configmaps?watch=true');
    await kube.restart();
    await w.ended;
    assert.equal(kube.port, port);
    const r = await kubeRequest(kube, 'GET', '/api/v1/namespaces/payments/configmaps/survivor');
    assert.equal(r.status, 200);
    assert.equal(r.json.data.k, 'v');
  });
});

describe('fake-kube scenario options over HTTPS', () => {
  it('token-claims-mismatch: tokens carry an iss without the discovery issuer’s trailing slash', async () => {
    const kube = await startFakeKube({ scenario: 'token-claims-mismatch' });
    try {
      const disco = await kubeRequest(kube, 'GET', '/.well-known/openid-configuration');
      assert.equal(disco.json.issuer, DEFAULT_ISSUER);
      assert.deepEqual(disco.json.id_token_signing_alg_values_supported, ['RS256']);
      const tr = await kubeRequest(kube, 'POST', '/api/v1/namespaces/payments/serviceaccounts/api-sa/token', { body: { spec: { audiences: ['api://AzureADTokenExchange'] } } });
      assert.equal(jwtPayload(tr.json.status.token).iss, DEFAULT_ISSUER.replace(/\/$/, ''));
    } finally {
      await kube.stop();
    }
  });

  it('webhook-down: creating a labelled pod fails the way AKS fails it; controllers off keeps the cluster static', async () => {
    const kube = await startFakeKube({ scenario: 'webhook-down' });
    const frozen = await startFakeKube({ scenario: 'healthy', controllers: false, auth: { tokens: ['t1', 't2'], user: 'alice' } });
    try {
      const r = await kubeRequest(kube, 'POST', PODS, {
        body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', labels: { 'azure.workload.identity/use': 'true' } }, spec: { serviceAccountName: 'api-sa', containers: [{ name: 'c', image: 'busybox:1.36' }] } },
      });
      assert.equal(r.status, 500);
      assert.equal(r.json.reason, 'InternalError');
      assert.match(r.json.message, /^Internal error occurred: failed calling webhook "mutation.azure-workload-identity.io": .*no endpoints available for service "azure-wi-webhook-webhook-service"$/);

      const before = frozen.store.list('Pod', 'payments').length;
      const patched = await kubeRequest(frozen, 'PATCH', '/apis/apps/v1/namespaces/payments/deployments/api', {
        token: 't2',
        contentType: 'application/strategic-merge-patch+json',
        body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } },
      });
      assert.equal(patched.status, 200);
      assert.equal(patched.json.metadata.generation, 2);
      assert.equal(frozen.store.list('Pod', 'payments').length, before);
      frozen.setForbid([{ verb: '*', resource: '*' }]);
      const denied = await kubeRequest(frozen, 'GET', '/api/v1/namespaces', { token: 't1' });
      assert.match(denied.json.message, /^namespaces is forbidden: User "alice" cannot list resource "namespaces" in API group "" at the cluster scope$/);
    } finally {
      await kube.stop();
      await frozen.stop();
    }
  });
});

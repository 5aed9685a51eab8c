// Kubeconfig loading with kubectl's semantics: KUBECONFIG with several files (missing ones
// skipped, first definition and first current-context win), explicit --context, proxy-url,
// exec plugins, and a precise sentence for each way it cannot load.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { loadKubeconfig, listContexts } from '../../src/cluster/kubeconfig';
import { connect } from '../../src/cluster/connect';

const dir = mkdtempSync(join(tmpdir(), 'wi-kc-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const A = file('a.yaml', `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster: { server: "https://prod.example:443", proxy-url: "http://proxy.corp:3128" }
users:
- name: prod-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: /usr/local/bin/kubelogin
      args: [get-token, --login, azurecli]
contexts:
- name: prod
  context: { cluster: prod-cluster, user: prod-user, namespace: payments }
`);
const B = file('b.yaml', `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster: { server: "https://dev.example:443" }
- name: prod-cluster
  cluster: { server: "https://SHADOWED.example" }
users:
- name: dev-user
  user: { token: not-a-real-token }
contexts:
- name: dev
  context: { cluster: dev-cluster, user: dev-user }
`);

describe('loadKubeconfig', () => {
  it('merges KUBECONFIG files like kubectl: first definition and first current-context win, missing files skipped', () => {
    const r = loadKubeconfig({ env: { KUBECONFIG: [join(dir, 'missing.yaml'), A, B].join(delimiter) } });
    assert.ok(r.ok);
    assert.equal(r.value.identity.context, 'prod');
    assert.equal(r.value.identity.server, 'https://prod.example:443');
    assert.equal(r.value.identity.namespace, 'payments');
    assert.equal(r.value.identity.proxyUrl, 'http://proxy.corp:3128');
    assert.equal(r.value.identity.auth, 'exec plugin kubelogin');
    assert.deepEqual(r.value.identity.files, [A, B]);
  });

  it('takes another context without rewriting anything, with its default namespace', () => {
    const r = loadKubeconfig({ env: { KUBECONFIG: [A, B].join(delimiter) }, context: 'dev' });
    assert.ok(r.ok);
    assert.equal(r.value.identity.server, 'https://dev.example:443');
    assert.equal(r.value.identity.namespace, 'default');
    assert.equal(r.value.identity.auth, 'token');
    assert.deepEqual(listContexts({ env: { KUBECONFIG: [A, B].join(delimiter) } }), { current: 'prod', names: ['prod', 'dev'] });
  });

  it('an explicit --kubeconfig wins over KUBECONFIG', () => {
    const r = loadKubeconfig({ kubeconfig: B, env: { KUBECONFIG: A } });
    assert.ok(r.ok);
    assert.equal(r.value.identity.context, 'dev');
  });

  it('says precisely why it cannot load', () => {
    const none = loadKubeconfig({ env: {}, home: join(dir, 'nohome') });
    assert.ok(!none.ok);
    assert.match(none.failure.message, /No kubeconfig found .*nohome.*az aks get-credentials/);
    const unknown = loadKubeconfig({ kubeconfig: A, context: 'staging' });
    assert.ok(!unknown.ok);
    assert.equal(unknown.failure.message, `The context "staging" is not in the kubeconfig (${A}). Known contexts: prod.`);
    const broken = loadKubeconfig({ kubeconfig: file('broken.yaml', 'clusters: [\n') });
    assert.ok(!broken.ok);
    assert.match(broken.failure.message, /broken\.yaml cannot be read/);
    const noCurrent = loadKubeconfig({ kubeconfig: file('nocur.yaml', 'apiVersion: v1\nkind: Config\ncontexts: []\n') });
    assert.ok(!noCurrent.ok);
    assert.match(noCurrent.failure.message, /sets no current-context/);
  });

  it('an unloadable kubeconfig still gives a client, whose every call fails with the sentence', async () => {
    const c = connect({ kubeconfig: join(dir, 'missing.yaml') });
    const v = await c.version();
    assert.ok(!v.ok);
    assert.equal(v.failure.kind, 'config');
    assert.equal(c.requestCount, 0);
  });

  it('an exec plugin that is not on PATH is named, with how to install it', async () => {
    const kc = file('exec.yaml', `apiVersion: v1
kind: Config
current-context: x
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: u, user: { exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: kubelogin-not-installed-here, args: [get-token] } } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
`);
    const v = await connect({ kubeconfig: kc }).version();
    assert.ok(!v.ok);
    assert.equal(v.failure.kind, 'exec-plugin');
    assert.match(v.failure.message, /runs "kubelogin-not-installed-here" to get credentials, but it is not on PATH/);
  });

  it('an unreachable server is a sentence naming it, not an exception', async () => {
    const kc = file('down.yaml', `apiVersion: v1
kind: Config
current-context: x
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
`);
    const v = await connect({ kubeconfig: kc }).version();
    assert.ok(!v.ok);
    assert.equal(v.failure.kind, 'unreachable');
    assert.match(v.failure.message, /Cannot reach the API server https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });
});

// The fake AKS API server (test/fake-kube) checked with the real kubectl: discovery,
// server-side tables, pagination, label/annotate/patch (all three types), rollout restart
// through the simulated controllers and WI webhook, TokenRequest JWTs verified against the
// JWKS, logs (--previous), events by field selector, watches, dry runs, and the three
// kubeconfig auth modes. Each suite has its own server; the suites run concurrently.
//
//   node scripts/run-unit-tests.mjs fake-kube

import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubeRequest } from '../fake-kube/client';
import { CLIENT_ID, DEFAULT_ISSUER, TENANT_ID } from '../fake-kube/scenarios';
import { startFakeKube, type FakeKube, type FakeKubeOptions } from '../fake-kube/server';
import { waitUntil } from '../support/wait.mjs';

const KUBECTL = '/usr/bin/kubectl';
const HAVE_KUBECTL = existsSync(KUBECTL);
const tmp = mkdtempSync(join(tmpdir(), 'fake-kube-kubectl-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A server plus a kubectl bound to it (own kubeconfig and discovery cache). */
class Cluster {
  kube!: FakeKube;
  kubeconfig = '';
  cacheDir = join(tmp, 'cache');

  async start(name: string, opts: FakeKubeOptions, auth: 'token' | 'client-cert' | 'exec' = 'token'): Promise<void> {
    this.kube = await startFakeKube(opts);
    this.kubeconfig = this.kube.writeKubeconfig(join(tmp, `${name}.kubeconfig`), { auth });
    this.cacheDir = join(tmp, `${name}-cache`);
  }

  args(args: string[]): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, '--request-timeout', '10s', ...args];
  }

  run(...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      execFile(KUBECTL, this.args(args), { timeout: 20_000, env: { ...process.env, HOME: tmp, KUBECONFIG: '' } }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  /** Run and insist on success. */
  async ok(...args: string[]): Promise<string> {
    const r = await this.run(...args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  spawn(...args: string[]): ChildProcess {
    return spawn(KUBECTL, this.args(args), { env: { ...process.env, HOME: tmp, KUBECONFIG: '' } });
  }
}

/** A kubectl that keeps running (`-w`), with all its output kept for waitFor. */
class Background {
  out = '';
  private readonly listeners = new Set<() => void>();
  constructor(readonly child: ChildProcess) {
    const onData = (d: Buffer): void => {
      this.out += d.toString();
      for (const l of [...this.listeners]) l();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => {
      for (const l of [...this.listeners]) l();
    });
  }

  /** Resolve once the output so far matches; reject on timeout or exit (the shared waitUntil, woken by output and exit). */
  waitFor(re: RegExp, timeoutMs = 8000): Promise<string> {
    return waitUntil(
      `kubectl output matching ${re}`,
      () => {
        if (re.test(this.out)) return this.out;
        if (this.child.exitCode !== null) throw new Error(`kubectl exited before printing ${re}; got:\n${this.out}`);
        return undefined;
      },
      {
        timeoutMs,
        pollMs: 0,
        on: (wake) => {
          const l = (): void => wake(undefined);
          this.listeners.add(l);
          return () => this.listeners.delete(l);
        },
        show: () => ({ output: this.out }),
      },
    );
  }

  stop(): void {
    this.child.kill();
  }
}

function decodeJwt(token: string): { header: any; payload: any; signed: Buffer; signature: Buffer } {
  const [h, p, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString()),
    signed: Buffer.from(`${h}.${p}`),
    signature: Buffer.from(s!, 'base64url'),
  };
}

const apiPods = (kube: FakeKube): any[] => kube.store.list('Pod', 'payments').filter((p) => p.metadata.labels?.app === 'api' && !p.metadata.deletionTimestamp);

describe('fake-kube with the real kubectl', { skip: !HAVE_KUBECTL && 'no /usr/bin/kubectl', concurrency: true }, () => {
  describe('healthy scenario: reads', { concurrency: 1 }, () => {
    const c = new Cluster();
    before(() => c.start('reads', { scenario: 'healthy' }));
    after(() => c.kube.stop());

    it('get pods -A prints a server-side table of every namespace', async () => {
      const out = await c.ok('get', 'pods', '-A');
      assert.match(out, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
      assert.equal((out.match(/^payments\s+api-\S+\s+1\/1\s+Running\s+0\s/gm) ?? []).length, 3);
      assert.match(out, /^kube-system\s+azure-wi-webhook-controller-manager-\S+\s+1\/1\s+Running/m);
      assert.match(out, /^payments\s+settlement-\d+-\S+\s+0\/1\s+Completed/m);
      // kubectl used aggregated discovery and asked for a Table.
      assert.ok(c.kube.requests.some((r) => r.path === '/apis' && /APIGroupDiscoveryList/.test(r.accept) && r.status === 200));
      assert.ok(c.kube.requests.some((r) => r.path === '/api/v1/pods' && /as=Table/.test(r.accept)));
    });

    it('get deploy api -n payments -o json returns the stored Deployment', async () => {
      const d = JSON.parse(await c.ok('get', 'deploy', 'api', '-n', 'payments', '-o', 'json'));
      assert.equal(d.kind, 'Deployment');
      assert.equal(d.apiVersion, 'apps/v1');
      assert.equal(d.spec.replicas, 3);
      assert.equal(d.spec.template.metadata.labels['azure.workload.identity/use'], 'true');
      assert.equal(d.status.readyReplicas, 3);
      assert.equal(d.metadata.uid, c.kube.store.get('Deployment', 'payments', 'api')!.metadata.uid);
    });

    it('get sa uses the short name and shows the annotated account', async () => {
      const out = await c.ok('get', 'sa', '-n', 'payments');
      assert.match(out, /^NAME\s+SECRETS\s+AGE/);
      assert.match(out, /^api-sa\s+0\s+\d+d/m);
      const sa = JSON.parse(await c.ok('get', 'sa', 'api-sa', '-n', 'payments', '-o', 'json'));
      assert.equal(sa.metadata.annotations['azure.workload.identity/client-id'], CLIENT_ID);
    });

    it('get pods --chunk-size=2 pages with continue tokens', async () => {
      c.kube.resetRequests();
      const out = await c.ok('get', 'pods', '-A', '--chunk-size=2', '-o', 'name');
      const names = out.trim().split('\n');
      assert.equal(names.length, c.kube.store.list('Pod').length);
      assert.equal(new Set(names).size, names.length);
      const pages = c.kube.requests.filter((r) => r.path === '/api/v1/pods');
      assert.ok(pages.length >= 3);
      assert.ok(pages.every((r) => r.query.limit === '2'));
      assert.ok(pages.some((r) => r.query.continue));
    });

    it('get of a missing object prints the NotFound Status', async () => {
      const r = await c.run('get', 'deploy', 'nope', '-n', 'payments');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Error from server \(NotFound\): deployments.apps "nope" not found/);
    });

    it('create token: an RS256 JWT that verifies with the JWKS, with the AKS claims', async () => {
      const token = (await c.ok('create', 'token', 'api-sa', '-n', 'payments', '--audience', 'api://AzureADTokenExchange')).trim();
      const jwt = decodeJwt(token);
      const jwks = await kubeRequest(c.kube, 'GET', '/openid/v1/jwks');
      const jwk = jwks.json.keys.find((k: JsonWebKey & { kid: string }) => k.kid === jwt.header.kid);
      assert.ok(jwk, 'the token kid is in the JWKS');
      assert.equal(jwt.header.alg, 'RS256');
      assert.ok(verify('sha256', jwt.signed, createPublicKey({ key: jwk, format: 'jwk' }), jwt.signature), 'signature verifies');
      const sa = c.kube.store.get('ServiceAccount', 'payments', 'api-sa')!;
      assert.equal(jwt.payload.iss, DEFAULT_ISSUER);
      assert.equal(jwt.payload.sub, 'system:serviceaccount:payments:api-sa');
      assert.deepEqual(jwt.payload.aud, ['api://AzureADTokenExchange']);
      assert.deepEqual(jwt.payload['kubernetes.io'], { namespace: 'payments', serviceaccount: { name: 'api-sa', uid: sa.metadata.uid } });
      assert.equal(jwt.payload.exp - jwt.payload.iat, 3600);
      assert.equal(jwt.payload.nbf, jwt.payload.iat);
      const discovery = await kubeRequest(c.kube, 'GET', '/.well-known/openid-configuration');
      assert.equal(discovery.json.issuer, jwt.payload.iss);
      assert.equal(discovery.json.jwks_uri, `${DEFAULT_ISSUER}openid/v1/jwks`);
    });

    it('auth can-i and forbidden lists follow the forbid rules', async () => {
      assert.equal((await c.ok('auth', 'can-i', 'list', 'pods', '-n', 'payments')).trim(), 'yes');
      c.kube.setForbid([{ verb: 'list', resource: 'pods', namespace: 'payments' }]);
      try {
        const r = await c.run('auth', 'can-i', 'list', 'pods', '-n', 'payments');
        assert.match(r.stdout, /^no/);
        const denied = await c.run('get', 'pods', '-n', 'payments');
        assert.match(denied.stderr, /pods is forbidden: User "wi-doctor-test" cannot list resource "pods" in API group "" in the namespace "payments"/);
      } finally {
        c.kube.setForbid([]);
      }
    });
  });

  describe('healthy scenario: writes', { concurrency: 1 }, () => {
    const c = new Cluster();
    before(() => c.start('writes', { scenario: 'healthy' }));
    after(() => c.kube.stop());

    it('label and annotate (with and without --overwrite)', async () => {
      await c.ok('label', 'deploy', 'api', '-n', 'payments', 'team=payments');
      assert.equal(c.kube.store.get('Deployment', 'payments', 'api')!.metadata.labels!.team, 'payments');
      await c.ok('annotate', 'sa', 'api-sa', '-n', 'payments', 'owner=alice');
      const refused = await c.run('annotate', 'sa', 'api-sa', '-n', 'payments', 'owner=bob');
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /--overwrite is false/);
      await c.ok('annotate', 'sa', 'api-sa', '-n', 'payments', 'owner=bob', '--overwrite');
      assert.equal(c.kube.store.get('ServiceAccount', 'payments', 'api-sa')!.metadata.annotations!.owner, 'bob');
      await c.ok('annotate', 'sa', 'api-sa', '-n', 'payments', 'owner-');
      assert.equal(c.kube.store.get('ServiceAccount', 'payments', 'api-sa')!.metadata.annotations!.owner, undefined);
    });

    it('patch: --type merge, --type json, and a server-side dry run that stores nothing', async () => {
      await c.ok('patch', 'sa', 'api-sa', '-n', 'payments', '--type', 'merge', '-p', '{"metadata":{"labels":{"tier":"backend"}}}');
      await c.ok('patch', 'sa', 'api-sa', '-n', 'payments', '--type', 'json', '-p', '[{"op":"add","path":"/metadata/labels/zone","value":"1"},{"op":"remove","path":"/metadata/labels/tier"}]');
      assert.deepEqual(c.kube.store.get('ServiceAccount', 'payments', 'api-sa')!.metadata.labels, { zone: '1' });

      const before = c.kube.store.get('Deployment', 'payments', 'api')!;
      const out = await c.ok('patch', 'deploy', 'api', '-n', 'payments', '--dry-run=server', '-o', 'json', '-p', '{"spec":{"replicas":7}}');
      assert.equal(JSON.parse(out).spec.replicas, 7);
      assert.ok(c.kube.requests.some((r) => r.method === 'PATCH' && r.query.dryRun === 'All'));
      assert.deepEqual(c.kube.store.get('Deployment', 'payments', 'api'), before);
      assert.equal(apiPods(c.kube).length, 3);
    });

    it('a patch carrying a stale metadata.resourceVersion is a Conflict for every patch type and for a dry run; the current one goes through', async () => {
      const CONFLICT = /Error from server \(Conflict\): Operation cannot be fulfilled on serviceaccounts "api-sa": the object has been modified; please apply your changes to the latest version and try again/;
      const sa = () => c.kube.store.get('ServiceAccount', 'payments', 'api-sa')!;
      const before = structuredClone(sa());
      const stale = String(Number(before.metadata.resourceVersion) - 1);
      const attempts: string[][] = [
        ['--type', 'merge', '-p', `{"metadata":{"resourceVersion":"${stale}","labels":{"stale":"merge"}}}`],
        ['--type', 'strategic', '-p', `{"metadata":{"resourceVersion":"${stale}","labels":{"stale":"strategic"}}}`],
        ['--type', 'json', '-p', `[{"op":"replace","path":"/metadata/resourceVersion","value":"${stale}"},{"op":"add","path":"/metadata/labels","value":{"stale":"json"}}]`],
        ['--type', 'merge', '--dry-run=server', '-p', `{"metadata":{"resourceVersion":"${stale}","labels":{"stale":"dry-run"}}}`],
      ];
      for (const args of attempts) {
        const r = await c.run('patch', 'sa', 'api-sa', '-n', 'payments', ...args);
        assert.notEqual(r.code, 0, args.join(' '));
        assert.match(r.stderr, CONFLICT, args.join(' '));
      }
      // kubectl's own precondition flag sends the same merge patch.
      const annotated = await c.run('annotate', 'sa', 'api-sa', '-n', 'payments', 'owner=stale', `--resource-version=${stale}`);
      assert.match(annotated.stderr, CONFLICT);
      assert.deepEqual(sa(), before, 'nothing was written');
      await c.ok('patch', 'sa', 'api-sa', '-n', 'payments', '--type', 'merge', '-p', `{"metadata":{"resourceVersion":"${before.metadata.resourceVersion}","labels":{"fresh":"yes"}}}`);
      assert.equal(sa().metadata.labels?.fresh, 'yes');
      assert.notEqual(sa().metadata.resourceVersion, before.metadata.resourceVersion);
    });

    it('strategic patch merges env by name; the template change rolls out injected pods', async () => {
      const oldPods = apiPods(c.kube).map((p) => p.metadata.name);
      await c.ok('patch', 'deploy', 'api', '-n', 'payments', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"api","env":[{"name":"FEATURE_X","value":"on"}]}]}}}}');
      const d = c.kube.store.get('Deployment', 'payments', 'api')!;
      const env = d.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name);
      assert.deepEqual(env, ['LOG_LEVEL', 'KEY_VAULT_URL', 'FEATURE_X']);
      assert.equal(d.metadata.generation, 2);
      const pods = apiPods(c.kube);
      assert.equal(pods.length, 3);
      assert.ok(pods.every((p) => !oldPods.includes(p.metadata.name)));
      const names = pods[0].spec.containers[0].env.map((e: { name: string }) => e.name);
      assert.deepEqual(names, ['LOG_LEVEL', 'KEY_VAULT_URL', 'FEATURE_X', 'AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_AUTHORITY_HOST']);
    });

    it('rollout restart makes a new ReplicaSet whose pods the webhook injected', async () => {
      const before = new Set(apiPods(c.kube).map((p) => p.metadata.name));
      const rsBefore = c.kube.store.list('ReplicaSet', 'payments').length;
      await c.ok('rollout', 'restart', 'deploy/api', '-n', 'payments');
      await c.ok('rollout', 'status', 'deploy/api', '-n', 'payments', '--timeout=10s');
      assert.equal(c.kube.store.list('ReplicaSet', 'payments').length, rsBefore + 1);
      const pods = JSON.parse(await c.ok('get', 'pods', '-n', 'payments', '-l', 'app=api', '-o', 'json')).items;
      assert.equal(pods.length, 3);
      for (const p of pods) {
        assert.ok(!before.has(p.metadata.name));
        assert.equal(p.status.phase, 'Running');
        const env = Object.fromEntries(p.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
        assert.equal(env.AZURE_CLIENT_ID, CLIENT_ID);
        assert.equal(env.AZURE_TENANT_ID, TENANT_ID);
        assert.equal(env.AZURE_FEDERATED_TOKEN_FILE, '/var/run/secrets/azure/tokens/azure-identity-token');
        assert.equal(env.AZURE_AUTHORITY_HOST, 'https://login.microsoftonline.com/');
        const vol = p.spec.volumes.find((v: { name: string }) => v.name === 'azure-identity-token');
        assert.deepEqual(vol.projected.sources[0].serviceAccountToken, { audience: 'api://AzureADTokenExchange', expirationSeconds: 3600, path: 'azure-identity-token' });
        assert.ok(p.spec.containers[0].volumeMounts.some((m: { mountPath: string }) => m.mountPath === '/var/run/secrets/azure/tokens'));
        assert.equal(p.metadata.ownerReferences[0].kind, 'ReplicaSet');
      }
      const scaled = c.kube.store.list('Event', 'payments').filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
      assert.ok(scaled.some((m) => /^Scaled up replica set api-\S+ to 3$/.test(m)));
      assert.ok(scaled.some((m) => /^Scaled down replica set api-\S+ to 0 from 3$/.test(m)));
    });

    it('get pods -w prints a MODIFIED event after a label patch', async () => {
      const w = new Background(c.spawn('get', 'pods', '-n', 'payments', '-l', 'app=api', '-w', '--output-watch-events'));
      try {
        await w.waitFor(/^ADDED\s+api-/m);
        await c.kube.waitForRequest((r) => r.path === '/api/v1/namespaces/payments/pods' && r.query.watch === 'true' && r.status === 200);
        const pod = apiPods(c.kube)[0].metadata.name;
        await c.ok('label', 'pod', pod, '-n', 'payments', 'checked=yes');
        const out = await w.waitFor(new RegExp(`^MODIFIED\\s+${pod}\\s+1/1\\s+Running`, 'm'));
        assert.match(out, /^EVENT\s+NAME\s+READY\s+STATUS/m);
      } finally {
        w.stop();
      }
    });

    it('apply -f (create, then a change) and apply --server-side; StatefulSet pods are injected', async () => {
      const manifest = (env: string, data: string): string => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ledger, namespace: payments}
spec:
  serviceName: ledger
  replicas: 2
  selector: {matchLabels: {app: ledger}}
  template:
    metadata:
      labels: {app: ledger, azure.workload.identity/use: "true"}
    spec:
      serviceAccountName: api-sa
      containers:
      - name: ledger
        image: contosoprod.azurecr.io/payments/ledger:3.1.0
        env: [{name: MODE, value: "${env}"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ledger-config, namespace: payments}
data: {retention: "${data}"}
`;
      const file = join(tmp, 'ledger.yaml');
      writeFileSync(file, manifest('primary', '30d'));
      assert.match(await c.ok('apply', '-f', file), /statefulset.apps\/ledger created\nconfigmap\/ledger-config created/);
      const ledger = (): any[] => c.kube.store.list('Pod', 'payments').filter((p) => p.metadata.labels?.app === 'ledger');
      assert.deepEqual(ledger().map((p) => p.metadata.name), ['ledger-0', 'ledger-1']);
      const revision = ledger()[0].metadata.labels['controller-revision-hash'];
      assert.ok(ledger().every((p) => p.spec.containers[0].env.some((e: { name: string; value: string }) => e.name === 'AZURE_CLIENT_ID' && e.value === CLIENT_ID)));

      writeFileSync(file, manifest('replica', '30d'));
      assert.match(await c.ok('apply', '-f', file), /statefulset.apps\/ledger configured\nconfigmap\/ledger-config unchanged/);
      assert.ok(ledger().every((p) => p.metadata.labels['controller-revision-hash'] !== revision && p.spec.containers[0].env[0].value === 'replica'));

      writeFileSync(file, manifest('replica', '90d'));
      assert.match(await c.ok('apply', '--server-side', '-f', file), /configmap\/ledger-config serverside-applied/);
      assert.equal(c.kube.store.get('ConfigMap', 'payments', 'ledger-config')!.data.retention, '90d');
    });

    it('delete pod: the ReplicaSet replaces it, injected', async () => {
      const victim = apiPods(c.kube)[0].metadata.name;
      await c.ok('delete', 'pod', victim, '-n', 'payments');
      const pods = apiPods(c.kube);
      assert.equal(pods.length, 3);
      assert.ok(!pods.some((p) => p.metadata.name === victim));
      assert.ok(pods.every((p) => p.spec.containers[0].env.some((e: { name: string }) => e.name === 'AZURE_CLIENT_ID')));
    });
  });

  describe('logs-aadsts scenario', { concurrency: 1 }, () => {
    const c = new Cluster();
    before(() => c.start('logs', { scenario: 'logs-aadsts' }));
    after(() => c.kube.stop());

    it('logs, --previous, --tail and the 400 for a container that never restarted', async () => {
      const pods = c.kube.store.list('Pod', 'payments').filter((p) => p.metadata.labels?.app === 'api');
      const restarted = pods.find((p) => p.status.containerStatuses[0].restartCount === 1)!;
      const fresh = pods.find((p) => p.status.containerStatuses[0].restartCount === 0)!;
      assert.match(await c.ok('logs', restarted.metadata.name, '-n', 'payments'), /AADSTS70021: No matching federated identity record found for presented assertion/);
      assert.match(await c.ok('logs', restarted.metadata.name, '-n', 'payments', '--previous'), /DefaultAzureCredential failed to retrieve a token from the included credentials/);
      const tail = await c.ok('logs', fresh.metadata.name, '-n', 'payments', '--tail=1', '--timestamps');
      assert.equal(tail.trim().split('\n').length, 1);
      assert.match(tail, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \{"level":"error"/);
      const r = await c.run('logs', fresh.metadata.name, '-n', 'payments', '--previous');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, new RegExp(`previous terminated container "api" in pod "${fresh.metadata.name}" not found`));
      assert.match(await c.ok('get', 'pods', '-n', 'payments', '-l', 'app=api'), /1 \(4\dm ago\)/);
    });
  });

  describe('webhook-down scenario', { concurrency: 1 }, () => {
    const c = new Cluster();
    before(() => c.start('down', { scenario: 'webhook-down' }));
    after(() => c.kube.stop());

    it('shows FailedCreate events, a 0/2 webhook and 1/3 app pods; a restart cannot create pods', async () => {
      const events = await c.ok('get', 'events', '-n', 'payments', '--field-selector', 'reason=FailedCreate');
      assert.match(events, /Warning\s+FailedCreate\s+replicaset\/api-\S+\s+Error creating: Internal error occurred: failed calling webhook "mutation\.azure-workload-identity\.io": failed to call webhook: Post "https:\/\/azure-wi-webhook-webhook-service\.kube-system\.svc:443\/mutate-v1-pod\?timeout=10s": no endpoints available for service "azure-wi-webhook-webhook-service"/);
      const deploys = await c.ok('get', 'deploy', '-A');
      assert.match(deploys, /^kube-system\s+azure-wi-webhook-controller-manager\s+0\/2/m);
      assert.match(deploys, /^payments\s+api\s+1\/3/m);
      assert.match(await c.ok('get', 'pods', '-n', 'kube-system', '-l', 'app=workload-identity-webhook'), /CrashLoopBackOff/);

      const before = c.kube.store.list('Event', 'payments').filter((e) => e.reason === 'FailedCreate');
      await c.ok('rollout', 'restart', 'deploy/api', '-n', 'payments');
      const failed = c.kube.store.list('Event', 'payments').filter((e) => e.reason === 'FailedCreate');
      assert.equal(failed.length, before.length + 1, 'the new ReplicaSet recorded its own FailedCreate');
      // The old pod keeps serving: nothing new was admitted.
      assert.equal(apiPods(c.kube).length, 1);
    });
  });

  describe('the command-line server (cli.ts)', { concurrency: 1 }, () => {
    it('prints its URL, writes a kubeconfig kubectl can use, and stops on SIGTERM', async () => {
      const kubeconfig = join(tmp, 'cli.kubeconfig');
      const server = new Background(spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'fake-kube', 'cli.ts'), '--scenario', 'webhook-down', '--kubeconfig', kubeconfig, '--namespace', 'payments']));
      try {
        const out = await server.waitFor(/^\{.*\}$/m, 15_000);
        const info = JSON.parse(out.split('\n').find((l) => l.startsWith('{'))!);
        assert.match(out, /listening on https:\/\/127\.0\.0\.1:\d+/);
        assert.deepEqual(info.target, { namespace: 'payments', kind: 'Deployment', name: 'api' });
        const c = new Cluster();
        c.kubeconfig = kubeconfig;
        assert.match(await c.ok('get', 'events', '--field-selector', 'type=Warning'), /FailedCreate/);
        const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
        server.child.kill('SIGTERM');
        assert.equal(await exited, 0);
      } finally {
        if (server.child.exitCode === null) server.stop();
      }
    });
  });

  describe('legacy discovery, client-cert and exec auth', { concurrency: 1 }, () => {
    const legacy = new Cluster();
    const cert = new Cluster();
    const exec = new Cluster();
    before(async () => {
      await legacy.start('legacy', { scenario: 'helm-healthy', aggregatedDiscovery: false });
      await cert.start('cert', { scenario: 'healthy' }, 'client-cert');
      await exec.start('exec', { scenario: 'healthy' }, 'exec');
    });
    after(async () => {
      await legacy.kube.stop();
      await cert.kube.stop();
      await exec.kube.stop();
    });

    it('kubectl falls back to per-group discovery when aggregated discovery is not served', async () => {
      const out = await legacy.ok('get', 'deploy', '-n', 'azure-workload-identity-system');
      assert.match(out, /azure-wi-webhook-controller-manager\s+2\/2/);
      assert.ok(legacy.kube.requests.some((r) => r.path === '/apis/apps/v1'), 'asked /apis/apps/v1');
      await legacy.ok('rollout', 'restart', 'deploy/api', '-n', 'payments');
      const pod = apiPods(legacy.kube)[0];
      assert.ok(pod.spec.containers[0].env.some((e: { name: string; value: string }) => e.value === '/var/run/secrets/azure/wi/token/azure-identity-token'));
      assert.ok(pod.spec.volumes.some((v: { name: string }) => v.name.startsWith('azure-workload-identity-reserved-')));
    });

    it('client certificates and exec plugins authenticate', async () => {
      assert.match(await cert.ok('auth', 'whoami'), /wi-doctor-test/);
      assert.ok(cert.kube.requests.some((r) => r.path.startsWith('/apis/authentication') && r.user === 'wi-doctor-test'));
      assert.match(await exec.ok('get', 'ns'), /^payments\s+Active/m);
    });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnoseWith, serve, API } from './harness';
import { diagnose } from '../../../src/checkpoints/runner';
import { clusterCheckpoints } from '../../../src/checkpoints';
import { connect } from '../../../src/cluster/connect';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';

describe('cluster-connection', () => {
  it('passes with the version, context, server and auth as evidence', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy' });
    const c = byId['cluster-connection'];
    assert.equal(c.status, 'pass');
    assert.equal(c.summary, 'The API server of context "fake-aks" answers (Kubernetes v1.30.6) and accepts your credentials.');
    const labels = c.evidence.map((e) => e.label);
    assert.deepEqual(labels, ['context', 'server', 'auth', 'kubeconfig', 'version', 'namespace']);
  });

  it('authenticates through an exec credential plugin, as with kubelogin', async () => {
    const kube = await serve({ scenario: 'healthy' });
    const kubeconfig = kube.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'wi-exec-')), 'kc.yaml'), { auth: 'exec' });
    const { report } = await diagnose({ cluster: connect({ kubeconfig }), target: API, checkpoints: clusterCheckpoints.slice(0, 1) });
    assert.equal(report.checkpoints[0]!.status, 'pass');
    assert.match(report.checkpoints[0]!.evidence.find((e) => e.label === 'auth')!.value, /^exec plugin /);
  });

  it('401 on an authenticated read: the login expired, even though /version answered anonymously', async () => {
    const kube = await serve({ scenario: 'healthy' });
    const kubeconfig = kube.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'wi-401-')), 'kc.yaml'), { token: 'stale' });
    const { report } = await diagnose({ cluster: connect({ kubeconfig }), target: API, checkpoints: clusterCheckpoints });
    const c = report.checkpoints[0]!;
    // Not a verdict about the workload: the diagnosis could not start (a fault).
    assert.equal(c.status, 'warn');
    assert.equal(report.firstFailure, undefined);
    assert.match(c.fault ?? '', /^The API server of context "fake-aks" rejected the credentials \(401 Unauthorized\): the login has expired or is missing\./);
    assert.match(c.summary, /^Not checked: The API server of context "fake-aks" rejected the credentials/);
    assert.equal(c.remediation[0]!.command, 'az login && kubectl get --raw /version --context fake-aks');
    assert.ok(report.checkpoints.slice(1).every((r) => r.status === 'skipped'));
  });

  it('a namespace that does not exist is "not found", before any verdict: the connection passes and nothing else is judged', async () => {
    const { byId, diagnosis: { report } } = await diagnoseWith({ scenario: 'healthy' }, { namespace: 'paymnets', kind: 'Deployment', name: 'api' });
    assert.equal(byId['cluster-connection'].status, 'pass');
    assert.match(report.notFound?.message ?? '', /^Namespace "paymnets" does not exist in context "fake-aks" \(server https:\/\/127\.0\.0\.1:\d+\), so Deployment paymnets\/api cannot be there\.$/);
    assert.equal(report.notFound?.what, 'namespace');
    assert.equal(report.firstFailure, undefined);
    assert.ok(report.checkpoints.slice(1).every((r) => r.status === 'skipped' && r.summary === 'Skipped: the namespace was not found (see "Cluster connection").'));
  });

  it('a workload that does not exist is "not found" too, with the command that lists what is there', async () => {
    const { byId, diagnosis: { report } } = await diagnoseWith({ scenario: 'healthy' }, { namespace: 'payments', kind: 'Deployment', name: 'apii' });
    assert.equal(report.notFound?.what, 'workload');
    assert.match(report.notFound!.message, /^Deployment payments\/apii does not exist in context "fake-aks"/);
    assert.equal(byId['cluster-connection'].remediation[0]!.command, 'kubectl get deployment -n payments --context fake-aks');
    assert.equal(report.firstFailure, undefined);
  });

  it('403 on the namespace still proves the credentials work', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy', forbid: [{ verb: 'get', resource: 'namespaces' }] });
    assert.equal(byId['cluster-connection'].status, 'pass');
    assert.ok(byId['cluster-connection'].evidence.some((e) => e.value === 'payments: may not be read (403), so the credentials work'));
  });

  it('a server error on /version is a failure with the server\'s words', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy', faults: [{ path: '/version', status: 503 }] });
    assert.equal(byId['cluster-connection'].status, 'warn');
    assert.match(byId['cluster-connection'].fault ?? '', /^The API server failed to get version \(HTTP 503/);
  });

  it('goes through the cluster\'s proxy-url (HTTP CONNECT)', async () => {
    const kube = await serve({ scenario: 'healthy' });
    const seen: string[] = [];
    const tunnels: { destroy(): void }[] = [];
    const proxy = createServer();
    proxy.on('connect', (req, client, head) => {
      seen.push(req.url ?? '');
      tunnels.push(client);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = netConnect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      tunnels.push(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const port = (proxy.address() as { port: number }).port;
      const kubeconfig = kube.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'wi-proxy-')), 'kc.yaml'), { proxyUrl: `http://127.0.0.1:${port}` });
      const { report } = await diagnose({ cluster: connect({ kubeconfig }), target: API, checkpoints: clusterCheckpoints.slice(0, 1) });
      assert.equal(report.checkpoints[0]!.status, 'pass');
      assert.ok(report.checkpoints[0]!.evidence.some((e) => e.label === 'proxy-url' && e.value === `http://127.0.0.1:${port}`));
      assert.ok(seen.includes(`127.0.0.1:${kube.port}`), `proxy saw ${seen.join(', ')}`);
    } finally {
      // CONNECT tunnels are not tracked by the server: end them, or close() waits for the agent's keep-alive.
      for (const t of tunnels) t.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });

  it('a certificate the kubeconfig does not trust is a TLS failure, named as such', async () => {
    const kube = await serve({ scenario: 'healthy' });
    const path = kube.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'wi-tls-')), 'kc.yaml'));
    // A CA that did not sign the server's certificate.
    const foreign = execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=foreign-ca', '-days', '1', '-keyout', '/dev/null'], { stdio: ['ignore', 'pipe', 'ignore'] });
    writeFileSync(path, readFileSync(path, 'utf8').replace(/certificate-authority-data: .*/, `certificate-authority-data: ${foreign.toString('base64')}`));
    const { report } = await diagnose({ cluster: connect({ kubeconfig: path }), target: API, checkpoints: clusterCheckpoints.slice(0, 1) });
    const c = report.checkpoints[0]!;
    assert.equal(c.status, 'warn');
    assert.match(c.fault ?? '', /^TLS failure talking to https:\/\/127\.0\.0\.1:\d+ \(\w+\): the server's certificate is not trusted/);
    assert.equal(c.remediation[0]!.command, 'az aks get-credentials --resource-group <resource-group> --name <cluster> --overwrite-existing');
  });
});

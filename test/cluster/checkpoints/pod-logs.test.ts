import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API, diagnoseWith, evidence, serve } from './harness';

describe('pod-logs', () => {
  it('scans a sample of the logs (the newest pod of the one template) and finds nothing in a healthy workload; the evidence says what was not read', async () => {
    const { byId, kube } = await diagnoseWith({ scenario: 'healthy' });
    assert.equal(byId['pod-logs'].status, 'pass');
    assert.equal(byId['pod-logs'].evidence[0]!.value, '1 container log of 1 pod (of 3), last 500 lines each');
    const logReads = kube.requests.filter((r) => r.path.endsWith('/log'));
    assert.equal(logReads.length, 1);
    assert.ok(logReads.every((r) => r.query.tailLines === '500' && r.query.container === 'api' && r.query.timestamps === 'true'));
    const pods = kube.store.list('pods', 'payments').filter((p) => p.metadata.labels?.app === 'api').sort((a, b) => a.metadata.creationTimestamp!.localeCompare(b.metadata.creationTimestamp!));
    const newest = pods.at(-1)!.metadata.name;
    assert.ok(logReads[0]!.path.includes(`/pods/${newest}/log`), 'the newest pod is read');
    const lines = evidence(byId['pod-logs']);
    assert.ok(lines.includes(`info log read: ${newest}/api: newest pod of the 3 pods with template ${pods[0]!.metadata.labels!['pod-template-hash']}, ready`), lines.join('\n'));
    assert.ok(lines.some((l) => /^info logs not read: 2 more container logs of 2 pods: .*; to read them all: kubectl logs -l app=api --all-containers --prefix --tail=500 -n payments --context fake-aks$/.test(l)), lines.join('\n'));
  });

  it('maps AADSTS codes and SDK messages to the checkpoint that explains them, once per signature with its pods, count and newest line', async () => {
    const { byId, kube } = await diagnoseWith({ scenario: 'logs-aadsts' });
    const c = byId['pod-logs'];
    assert.equal(c.status, 'fail');
    assert.ok(kube.requests.some((r) => r.path.endsWith('/log') && r.query.previous === 'true'));
    const lines = c.evidence.filter((e) => e.label === 'AADSTS70021');
    assert.equal(lines.length, 1, 'one line per signature, not one per pod');
    // The sample: the newest pod's log, and the previous log of the restarted container (pod 0).
    assert.equal(kube.requests.filter((r) => r.path.endsWith('/log')).length, 2);
    assert.match(lines[0]!.value, /^×\d+ in 2 pods \S+ and \S+ \(a previous container included: written before its restart\), newest at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: no federated credential matches .* → "Federated credential" \(not run here\)\. Excerpt: .*AADSTS70021/);
    assert.ok(c.evidence.some((e) => e.label === 'DefaultAzureCredential failed' && /\(a previous container included/.test(e.value)));
    assert.match(c.summary, /^The logs show Workload Identity errors: AADSTS70021 \(.*\), newest at \S+\. Explained by: Federated credential/);
    assert.ok(c.remediation.some((r) => /^"Federated credential" did not run here \(it needs an Azure sign-in\): compare the federated credentials/.test(r.text)));
  });

  it('errors written before the last fix are earlier errors (a warning), never the first broken link', async () => {
    const kube = await serve({ scenario: 'logs-aadsts' });
    const { diagnose } = await import('../../../src/checkpoints/runner');
    const { clusterCheckpoints } = await import('../../../src/checkpoints');
    const { connect } = await import('../../../src/cluster/connect');
    const { mkdtempSync } = await import('node:fs');
    const path = await import('node:path');
    const join = (...parts: string[]): string => path.join(...parts);
    const { tmpdir } = await import('node:os');
    const kubeconfig = kube.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'wi-logs-')), 'kc.yaml'));
    const fixedAt = new Date(Date.now() - 60_000); // after the newest line (2 minutes ago)
    const { report } = await diagnose({ cluster: connect({ kubeconfig }), target: API, checkpoints: clusterCheckpoints, options: { lastChangeAt: fixedAt } });
    const c = report.checkpoints.find((x) => x.id === 'pod-logs')!;
    assert.equal(c.status, 'warn', c.summary);
    assert.match(c.summary, /^Only earlier Workload Identity errors in the logs \(AADSTS70021, .*, the newest at \S+\): every line was written before the last fix, at \S+\.$/);
    assert.ok(c.evidence.every((e) => e.level !== 'fail'));
    assert.equal(report.firstFailure, undefined);
  });

  it('403 on pods/log: not checked, with the sentence; other unreadable logs are warnings', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy', forbid: [{ verb: 'get', resource: 'pods/log' }] });
    assert.equal(byId['pod-logs'].status, 'warn');
    assert.match(byId['pod-logs'].fault ?? '', /^Could not get the logs of pod api-\S+: Forbidden: you may not get pods\/log "api-\S+" in namespace "payments" \(403\)/);
    // A log that cannot be read is replaced by the same container of the next pod of its group.
    const flaky = await diagnoseWith({ scenario: 'healthy', faults: [{ path: /\/log\?/, status: 500, times: 1 }] });
    assert.equal(flaky.byId['pod-logs'].status, 'pass');
    assert.ok(flaky.byId['pod-logs'].evidence.some((e) => e.level === 'warn' && e.label === 'unreadable'));
    const reads = flaky.kube.requests.filter((r) => r.path.endsWith('/log'));
    assert.deepEqual(reads.map((r) => r.status), [500, 200]);
    assert.notEqual(reads[0]!.path, reads[1]!.path);
    assert.ok(flaky.byId['pod-logs'].evidence.some((e) => e.label === 'log read' && / could not be$/.test(e.value)));
  });
});

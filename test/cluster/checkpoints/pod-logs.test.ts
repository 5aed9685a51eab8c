import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnoseWith } from './harness';

describe('pod-logs', () => {
  it('scans current logs (and previous ones of restarted containers) and finds nothing in a healthy workload', async () => {
    const { byId, kube } = await diagnoseWith({ scenario: 'healthy' });
    assert.equal(byId['pod-logs'].status, 'pass');
    assert.equal(byId['pod-logs'].evidence[0]!.value, '3 container logs of 3 pods, last 500 lines each');
    const logReads = kube.requests.filter((r) => r.path.endsWith('/log'));
    assert.equal(logReads.length, 3);
    assert.ok(logReads.every((r) => r.query.tailLines === '500' && r.query.container === 'api'));
  });

  it('maps AADSTS codes and SDK messages to the checkpoint that explains them, from current and previous logs', async () => {
    const { byId, kube } = await diagnoseWith({ scenario: 'logs-aadsts' });
    const c = byId['pod-logs'];
    assert.equal(c.status, 'fail');
    assert.ok(kube.requests.some((r) => r.path.endsWith('/log') && r.query.previous === 'true'));
    assert.ok(c.evidence.some((e) => /^AADSTS70021.*→ see "federated-credential" \(not run here\)\. Excerpt: .*AADSTS70021/.test(e.value)));
    assert.ok(c.evidence.some((e) => e.label.endsWith('(previous)') && /DefaultAzureCredential failed/.test(e.value)));
    assert.ok(c.remediation.some((r) => /^"federated-credential" did not run here \(it needs an Azure sign-in\): compare the federated credentials/.test(r.text)));
  });

  it('403 on pods/log fails with the sentence; other unreadable logs are warnings', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy', forbid: [{ verb: 'get', resource: 'pods/log' }] });
    assert.equal(byId['pod-logs'].status, 'fail');
    assert.match(byId['pod-logs'].summary, /^Could not get the logs of pod api-\S+: Forbidden: you may not get pods\/log "api-\S+" in namespace "payments" \(403\)/);
    const flaky = await diagnoseWith({ scenario: 'healthy', faults: [{ path: /\/log\?/, status: 500, times: 1 }] });
    assert.equal(flaky.byId['pod-logs'].status, 'pass');
    assert.ok(flaky.byId['pod-logs'].evidence.some((e) => e.level === 'warn' && e.label === 'unreadable'));
  });
});

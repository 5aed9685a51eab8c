// Diagnosing an object a controller authenticates for, in the real extension host, against the fake
// API server (test/fake-kube/scenarios-consumers.ts): the CodeLens above a SecretProviderClass, the
// palette's pick with the class under the cursor, the report view that says whose identity is in
// play, and a class the cluster does not have. Every wait is on an event, a promise or a poll.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DiagnosisReport } from '../../src/checkpoints/types';
import type { WorkloadIdentityDoctorApi } from '../../src/extension';
import { ESO_STORE_NOT_READY, SPC_WRONG_SUBJECT } from '../fake-kube/scenarios-consumers';
import { startFakeKube, type FakeKube } from '../fake-kube/server';
import { closeAll, EXTENSION_ID, open, waitUntil, workspaceUri } from './helpers';
import { describeReport, statusOf } from './reports';

const SPC = { namespace: 'web', kind: 'SecretProviderClass', name: 'kv-secrets' };
const SUMMARY = 'SecretProviderClass kv-secrets authenticates as the ServiceAccount web of the pods that mount it (namespace web).';

export function registerDiagnoseConsumerTests(): void {
  describe('diagnose a consumer object', function () {
    this.timeout(60_000);
    let api: WorkloadIdentityDoctorApi;
    let fake: FakeKube | undefined;
    let tmp: string;
    const config = () => vscode.workspace.getConfiguration('wiDoctor');

    before(async () => {
      const ext = vscode.extensions.getExtension<WorkloadIdentityDoctorApi>(EXTENSION_ID);
      assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the host`);
      api = await ext.activate();
      await api.whenIndexed();
      tmp = mkdtempSync(join(tmpdir(), 'wi-consumers-'));
    });
    beforeEach(async () => {
      fake = await startFakeKube({ scenario: SPC_WRONG_SUBJECT });
      const file = fake.writeKubeconfig(join(tmp, 'consumers.kubeconfig'));
      await config().update('kubeconfig', file, vscode.ConfigurationTarget.Global);
      await waitUntil('the kubeconfig setting', () => config().get('kubeconfig') === file);
    });
    afterEach(async () => {
      api.setPrompts(undefined);
      await fake?.stop();
      fake = undefined;
      await config().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
      await closeAll();
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    it('the CodeLens above a SecretProviderClass diagnoses it: whose identity first, the chain on the workload that mounts it, the mount failure as the first broken link', async () => {
      const uri = workspaceUri('diagnose', 'consumers.yaml');
      const editor = await open(uri);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      const mine = lenses.filter((l) => l.command?.command === 'wiDoctor.diagnose');
      assert.deepEqual(mine.map((l) => l.command!.arguments?.[0] as unknown), [SPC, { namespace: 'web', kind: 'Deployment', name: 'web' }]);
      assert.equal(mine[0]!.range.start.line, editor.document.getText().split('\n').indexOf('kind: SecretProviderClass'));
      api.setPrompts({ pick: async () => assert.fail('the CodeLens asked which object') });
      const report = await vscode.commands.executeCommand<DiagnosisReport>(mine[0]!.command!.command, ...(mine[0]!.command!.arguments ?? []));
      assert.deepEqual(report.consumer, { ...SPC, summary: SUMMARY });
      assert.deepEqual(report.workload, { namespace: 'web', kind: 'Deployment', name: 'web' });
      assert.equal(report.firstFailure, 'consumer-status', describeReport(report));
      assert.equal(statusOf(report, 'consumer-identity'), 'pass', describeReport(report));
      assert.equal(report.checkpoints.some((c) => c.id === 'pod-label'), false, 'no pod needs the label: no pod-label checkpoint');
      // The report view is the object's, and says whose identity first.
      const shown = api.shownReport(SPC);
      assert.ok(shown, 'a report view for the SecretProviderClass');
      assert.match(shown.html, /<h1>Workload Identity: secretproviderclass\/kv-secrets in web \(through deployment\/web in web\)<\/h1>/);
      assert.ok(shown.html.includes('authenticates as the ServiceAccount web of the pods that mount it'), 'the summary sentence');
    });

    it('a SecretStore with a serviceAccountRef: the chain runs on that ServiceAccount alone (no pod carries it), and the report view says so', async () => {
      await fake?.stop();
      fake = await startFakeKube({ scenario: ESO_STORE_NOT_READY });
      const file = fake.writeKubeconfig(join(tmp, 'eso.kubeconfig'));
      await config().update('kubeconfig', file, vscode.ConfigurationTarget.Global);
      await waitUntil('the kubeconfig setting', () => config().get('kubeconfig') === file);
      const store = { namespace: 'team-a', kind: 'SecretStore', name: 'vault' };
      const report = await api.diagnose(store);
      assert.deepEqual(report.workload, { namespace: 'team-a', kind: 'ServiceAccount', name: 'eso-sa' });
      assert.equal(report.firstFailure, undefined, describeReport(report));
      assert.deepEqual(report.checkpoints.map((c) => c.id), ['cluster-connection', 'consumer-identity', 'cluster-oidc-issuer', 'service-account', 'projected-token', 'consumer-status', 'managed-identity', 'federated-credential', 'role-assignments', 'token-exchange']);
      const shown = api.shownReport(store);
      assert.ok(shown, 'a report view for the SecretStore');
      assert.match(shown.html, /<h1>Workload Identity: secretstore\/vault in team-a \(through serviceaccount\/eso-sa in team-a\)<\/h1>/);
    });

    it('the palette with the cursor in the SecretProviderClass offers it first', async () => {
      const uri = workspaceUri('diagnose', 'consumers.yaml');
      const editor = await open(uri);
      const line = editor.document.getText().split('\n').indexOf('  name: kv-secrets');
      editor.selection = new vscode.Selection(line, 2, line, 2);
      const asked: string[][] = [];
      api.setPrompts({
        pick: async <T extends vscode.QuickPickItem>(items: readonly T[]) => {
          asked.push(items.map((i) => `${i.label}${i.description ? ` (${i.description})` : ''}`));
          return items[0];
        },
      });
      const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.diagnose');
      assert.equal(asked[0]?.[0], 'secretproviderclass/kv-secrets in web (under the cursor)');
      assert.equal(asked[0]?.[1], 'deployment/web in web (line 22)');
      assert.deepEqual(report?.consumer?.name, 'kv-secrets');
    });

    it('a SecretProviderClass the cluster does not have: one sentence, no report', async () => {
      const errors: string[] = [];
      api.setPrompts({ error: async (message: string) => (errors.push(message), undefined) });
      const report = await vscode.commands.executeCommand<DiagnosisReport | undefined>('wiDoctor.diagnose', { namespace: 'web', kind: 'SecretProviderClass', name: 'nope' });
      assert.equal(report, undefined);
      assert.deepEqual(errors, ['Workload Identity Doctor: SecretProviderClass web/nope was not found in context fake-aks.']);
    });
  });
}

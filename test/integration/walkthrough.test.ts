// The "Get started" walkthrough in the real extension host: each step waits on a context key
// (package.json's completionEvents), and the extension sets a key only on the real event — a
// manifest with a workload opened and linted, a diagnosis that reached the fake cluster the
// diagnose tests use (test/fake-kube), the sidebar listing a context, a sign-in that succeeded —
// never because a command merely ran and failed or was cancelled. Every wait is on an event or a
// poll with a deadline, never a sleep.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CLOUDS } from '../../src/azure/types';
import type { DiagnosisReport } from '../../src/checkpoints/types';
import type { WorkloadIdentityDoctorApi } from '../../src/extension';
import type { WalkthroughStep } from '../../src/editor/walkthrough';
import { startFakeKube, type FakeKube } from '../fake-kube/server';
import { closeAll, EXTENSION_ID, linted, waitUntil, workspaceUri } from './helpers';

const TARGET = { namespace: 'payments', kind: 'Deployment', name: 'api' };

interface ContributedStep {
  id: string;
  description: string;
  completionEvents?: string[];
  media?: Record<string, unknown>;
}

export function registerWalkthroughTests(): void {
  describe('walkthrough: each step completes on its real event', function () {
    this.timeout(60_000);
    let api: WorkloadIdentityDoctorApi;
    let fake: FakeKube | undefined;
    let tmp: string;
    const config = () => vscode.workspace.getConfiguration('wiDoctor');
    const completed = (step: WalkthroughStep) => api.walkthrough.completedSteps().includes(step);

    async function setting(key: string, value: unknown): Promise<void> {
      await config().update(key, value, vscode.ConfigurationTarget.Global);
      await waitUntil(`the setting ${key}`, () => config().get(key) === value || (value === undefined && config().inspect(key)?.globalValue === undefined));
    }

    async function useScenario(scenario: string): Promise<FakeKube> {
      fake = await startFakeKube({ scenario });
      await setting('kubeconfig', fake.writeKubeconfig(join(tmp, `${scenario}.kubeconfig`)));
      return fake;
    }

    /** Resolves when `step` has completed (now, or on its event); fails after a deadline. */
    async function stepCompleted(step: WalkthroughStep): Promise<void> {
      await waitUntil(`the walkthrough step ${step}`, () => completed(step), { on: api.walkthrough.onDidCompleteStep, pollMs: 0, show: () => ({ completed: api.walkthrough.completedSteps() }) });
    }

    before(async () => {
      const ext = vscode.extensions.getExtension<WorkloadIdentityDoctorApi>(EXTENSION_ID);
      assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the host`);
      api = await ext.activate();
      await api.whenIndexed();
      tmp = mkdtempSync(join(tmpdir(), 'wi-walkthrough-'));
    });
    beforeEach(() => api.walkthrough.reset());
    afterEach(async () => {
      api.setPrompts(undefined);
      api.setAzure(undefined);
      await fake?.stop();
      fake = undefined;
      for (const key of ['kubeconfig', 'azure.cloud']) await setting(key, undefined);
      await closeAll();
    });
    after(() => {
      rmSync(tmp, { recursive: true, force: true });
    });

    it('contributes four steps, each waiting on the context key the extension sets, each with a command button and media', () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      const walkthroughs = (ext.packageJSON as { contributes: { walkthroughs: { id: string; title: string; steps: ContributedStep[] }[] } }).contributes.walkthroughs;
      assert.equal(walkthroughs.length, 1);
      assert.equal(walkthroughs[0]!.title, 'Get started with Workload Identity Doctor');
      const steps = walkthroughs[0]!.steps;
      assert.deepEqual(steps.map((s) => s.id), ['signIn', 'pickContext', 'openManifest', 'diagnose']);
      for (const s of steps) {
        assert.deepEqual(s.completionEvents, [`onContext:${api.walkthrough.contextKeys[s.id as WalkthroughStep]}`], s.id);
        assert.match(s.description, /\n\[[^\]]+\]\(command:[\w.]+/, `${s.id} has a command button`);
        assert.ok(s.media && (s.media.markdown || s.media.image), `${s.id} has media`);
      }
      const buttons = steps.map((s) => [...s.description.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]));
      assert.ok(buttons[0]!.includes('wiDoctor.signInToAzure'));
      assert.ok(buttons[1]!.includes('wiDoctor.tree.switchContext'));
      assert.ok(buttons[2]!.includes('wiDoctor.openExampleManifest'));
      assert.ok(buttons[3]!.includes('wiDoctor.diagnose'));
    });

    it('open a manifest: not a YAML file without a workload or ServiceAccount, nor a manifest no editor shows; a workspace manifest shown', async () => {
      // Neither a Kubernetes object nor a workload/ServiceAccount: linted, and the step stays open.
      for (const content of ['name: not a manifest\nitems: [1, 2]\n', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n']) {
        const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content });
        await vscode.window.showTextDocument(doc);
        await linted(api, doc);
        assert.equal(completed('openManifest'), false, content);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor'); // unsaved: no save prompt
      }
      // A manifest with a Deployment loaded but shown in no editor (as after its editor closed): not yet.
      const manifest = await vscode.workspace.openTextDocument(workspaceUri('diagnose', 'api.yaml'));
      await linted(api, manifest);
      assert.equal(completed('openManifest'), false, 'linted but not shown');
      const done = stepCompleted('openManifest');
      await vscode.window.showTextDocument(manifest);
      await done;
      assert.ok(completed('openManifest'));
    });

    it('open a manifest: the example manifest of the step is one, with the mistake underlined', async () => {
      const done = stepCompleted('openManifest');
      const editor = await vscode.commands.executeCommand<vscode.TextEditor>('wiDoctor.openExampleManifest');
      assert.equal(editor.document.isUntitled, true, 'nothing is written to disk');
      await done;
      await linted(api, editor.document);
      const diagnostics = vscode.languages.getDiagnostics(editor.document.uri).filter((x) => x.source === 'wi-doctor');
      assert.deepEqual(diagnostics.map((d) => (typeof d.code === 'object' ? d.code.value : d.code)), ['use-label-not-on-pod-template']);
    });

    it('run a diagnosis: not on a bad target, an unreadable kubeconfig or a cancel; on a report from the cluster', async () => {
      const errors: string[] = [];
      api.setPrompts({ error: async (m) => (errors.push(m), undefined) });
      // The command fails before any diagnosis: not a workload kind.
      const none = await vscode.commands.executeCommand<DiagnosisReport | undefined>('wiDoctor.diagnose', { kind: 'Service', name: 'api' });
      assert.equal(none, undefined);
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.equal(completed('diagnose'), false);

      // A report, but the cluster was never reached.
      await setting('kubeconfig', join(tmp, 'does-not-exist.kubeconfig'));
      const unreachable = await api.diagnose(TARGET);
      // Not a verdict about the workload: cluster-connection could not be checked (a fault).
      assert.equal(unreachable.checkpoints[0]?.id, 'cluster-connection');
      assert.ok(unreachable.checkpoints[0]!.fault, JSON.stringify(unreachable.checkpoints[0]));
      assert.equal(completed('diagnose'), false);

      // Cancelled before it started.
      await useScenario('sa-not-annotated');
      const ac = new AbortController();
      ac.abort();
      const cancelled = await api.diagnose(TARGET, { signal: ac.signal });
      assert.equal(cancelled.cancelled, true);
      assert.equal(completed('diagnose'), false);

      // A real diagnosis of the fake cluster: its report names the broken link, and the step completes.
      const done = stepCompleted('diagnose');
      const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.diagnose', TARGET);
      assert.equal(report.firstFailure, 'service-account');
      await done;
      assert.ok(completed('diagnose'));
    });

    it('pick a kube context: not when the kubeconfig cannot be read; once the tree lists a context', async () => {
      await setting('kubeconfig', join(tmp, 'does-not-exist.kubeconfig'));
      await api.tree.reconnect();
      await api.tree.whenSettled();
      assert.equal(completed('pickContext'), false);

      const done = stepCompleted('pickContext');
      await useScenario('demo');
      await api.tree.reconnect();
      await api.tree.whenSettled();
      await done;
      assert.equal(api.tree.shownContext, 'fake-aks');
      assert.ok(completed('pickContext'));
    });

    it('sign in to Azure: not when the sign-in fails; once it succeeds', async () => {
      // A re-run after the sign-in (of the last workload diagnosed) must not wait on a cluster.
      await setting('kubeconfig', join(tmp, 'does-not-exist.kubeconfig'));
      const errors: string[] = [];
      api.setPrompts({ error: async (m) => (errors.push(m), undefined), info: async () => undefined });
      // The US Government cloud without VS Code's sovereign-cloud setting: the sign-in cannot start.
      await setting('azure.cloud', 'AzureUSGovernment');
      await vscode.commands.executeCommand('wiDoctor.signInToAzure');
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0]!, /microsoft-sovereign-cloud\.environment/);
      assert.equal(completed('signIn'), false);

      // The test seam stands for a signed-in account: the sign-in succeeds.
      const done = stepCompleted('signIn');
      api.setAzure({ endpoints: CLOUDS.AzureCloud, credential: { getToken: async () => null } });
      await vscode.commands.executeCommand('wiDoctor.signInToAzure');
      await done;
      assert.ok(completed('signIn'));
    });
  });
}

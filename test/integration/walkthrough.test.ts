// The "Get started" walkthrough in the real extension host: each step waits on a context key
// (package.json's completionEvents), and the extension sets a key only on the real event, by
// every path a user takes to it — a Kubernetes manifest opened and linted (a workspace file, the
// step's example); the sidebar listing a context (shown, or through the step's context picker);
// a diagnosis that reached the fake cluster (test/fake-kube) from the palette's quick pick, the
// walkthrough's own button, a CodeLens or the sidebar, whatever its verdict; a sign-in that
// succeeded — never because a command merely ran and failed or was cancelled. Each tick is
// checked through the extension's walkthrough API and the value it gave the context key VS Code
// reads. Every wait is on an event or a poll with a deadline, never a sleep.

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
import { closeAll, EXTENSION_ID, linted, open, treeNodeAt, waitUntil, workspaceUri } from './helpers';

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
    /** The step ticked: in the extension's record and in the context key its completion event reads. */
    const ticked = (step: WalkthroughStep) => completed(step) && api.walkthrough.contextValue(step);

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
      await waitUntil(`the walkthrough step ${step}`, () => ticked(step), { on: api.walkthrough.onDidCompleteStep, pollMs: 0, show: () => ({ completed: api.walkthrough.completedSteps() }) });
    }

    /** A cluster listed by the sidebar, and the step's record cleared afterwards (so a test starts with nothing done). */
    async function listedScenario(scenario: string): Promise<FakeKube> {
      const kube = await useScenario(scenario);
      await api.tree.reconnect();
      await api.tree.whenSettled();
      await api.walkthrough.reset();
      return kube;
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
        const step = s.id as WalkthroughStep;
        assert.deepEqual(s.completionEvents, [api.walkthrough.completionEvent(step)], s.id);
        assert.equal(api.walkthrough.completionEvent(step), `onContext:${api.walkthrough.contextKeys[step]} && activeEditor == 'gettingStartedPage'`);
        assert.match(s.description, /\n\[[^\]]+\]\(command:[\w.]+/, `${s.id} has a command button`);
        assert.ok(s.media && (s.media.markdown || s.media.image), `${s.id} has media`);
      }
      const buttons = steps.map((s) => [...s.description.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]));
      assert.ok(buttons[0]!.includes('wiDoctor.signInToAzure'));
      assert.ok(buttons[1]!.includes('wiDoctor.walkthrough.pickKubeContext'));
      assert.ok(buttons[2]!.includes('wiDoctor.openExampleManifest'));
      assert.ok(buttons[3]!.includes('wiDoctor.diagnose'));
    });

    it('open a manifest: not a YAML file without a Kubernetes object, nor a manifest no editor shows; a workspace manifest shown, and any Kubernetes manifest', async () => {
      // YAML, linted, but no Kubernetes object (a GitHub workflow, Helm values): the step stays open.
      for (const content of ['name: not a manifest\nitems: [1, 2]\n', 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n']) {
        const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content });
        await vscode.window.showTextDocument(doc);
        await linted(api, doc);
        assert.equal(completed('openManifest'), false, content);
        assert.equal(api.walkthrough.contextValue('openManifest'), false);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor'); // unsaved: no save prompt
      }
      // A manifest with a Deployment loaded but shown in no editor (as after its editor closed): not yet.
      const manifest = await vscode.workspace.openTextDocument(workspaceUri('diagnose', 'api.yaml'));
      await linted(api, manifest);
      assert.equal(completed('openManifest'), false, 'linted but not shown');
      const done = stepCompleted('openManifest');
      await vscode.window.showTextDocument(manifest);
      await done;
      assert.ok(ticked('openManifest'));

      // A manifest of a ConfigMap only is a manifest the linter checks (credentials left in it): it counts too.
      await closeAll();
      await api.walkthrough.reset();
      const configMap = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n' });
      const again = stepCompleted('openManifest');
      await vscode.window.showTextDocument(configMap);
      await again;
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

    it('run a diagnosis: not on a bad target, an unreadable kubeconfig, a cancelled diagnosis or a cancelled quick pick', async () => {
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

      // Nor a palette quick pick cancelled.
      await open(workspaceUri('diagnose', 'api.yaml'));
      api.setPrompts({ error: async (m) => (errors.push(m), undefined), pick: async () => undefined });
      assert.equal(await vscode.commands.executeCommand('wiDoctor.diagnose'), undefined);
      assert.equal(completed('diagnose'), false);
      assert.equal(api.walkthrough.contextValue('diagnose'), false);
    });

    it('run a diagnosis, from the palette on a manifest: the quick pick answered, a failing report counts (the step is to run one, not to pass it)', async () => {
      await useScenario('sa-not-annotated');
      const editor = await open(workspaceUri('diagnose', 'api.yaml'));
      const line = editor.document.getText().split('\n').findIndex((l) => l === 'kind: Deployment');
      editor.selection = new vscode.Selection(line + 3, 2, line + 3, 2);
      api.setPrompts({ pick: async <T extends vscode.QuickPickItem>(items: readonly T[]) => items[0] });
      const done = stepCompleted('diagnose');
      const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.diagnose');
      assert.deepEqual(report.workload, TARGET);
      assert.equal(report.firstFailure, 'service-account');
      await done;
    });

    it('run a diagnosis, from the walkthrough\'s own button: its page shown, the command without arguments asks for a namespace and a workload', async () => {
      await useScenario('sa-not-annotated');
      await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#getStarted`, false);
      assert.equal(vscode.window.activeTextEditor, undefined, 'the walkthrough page, not a text editor, is active');
      const asked: string[] = [];
      api.setPrompts({ pick: async <T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions) => (asked.push(options.title ?? ''), items.find((i) => i.label === (asked.length === 1 ? 'payments' : 'api'))) });
      const done = stepCompleted('diagnose');
      const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.diagnose');
      assert.deepEqual(report.workload, TARGET);
      assert.equal(asked.length, 2, asked.join('\n'));
      await done;
    });

    it('run a diagnosis, from a CodeLens: even above a workload the cluster does not have (its lens picks one the cluster runs)', async () => {
      // The sidebar lists the cluster, so the lens knows the manifest's namespace is not there.
      await vscode.commands.executeCommand('workbench.view.extension.wiDoctor');
      await listedScenario('healthy');
      const uri = workspaceUri('diagnose', 'staging.yaml');
      await open(uri);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      const lens = lenses.find((l) => l.command?.command === 'wiDoctor.diagnose')?.command;
      assert.ok(lens, 'a CodeLens on the Deployment');
      assert.equal(lens.title, '$(circle-slash) Not in fake-aks · Diagnose a workload it runs…');
      const asked: string[] = [];
      api.setPrompts({
        warn: async () => undefined,
        pick: async <T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions) => {
          asked.push(options.title ?? '');
          return items.find((i) => i.label === (asked.length === 1 ? 'payments' : 'api'));
        },
      });
      const done = stepCompleted('diagnose');
      const report = await vscode.commands.executeCommand<DiagnosisReport>(lens.command, ...(lens.arguments ?? []));
      assert.deepEqual(report.workload, TARGET);
      assert.equal(asked.length, 2, asked.join('\n'));
      await done;
    });

    it('run a diagnosis, from the sidebar: a workload\'s "Diagnose This Workload"', async () => {
      await listedScenario('demo');
      const node = treeNodeAt(api.tree, 'billing', 'Deployments', 'invoicer');
      assert.ok(node, 'billing/invoicer in the sidebar');
      const done = stepCompleted('diagnose');
      const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.tree.diagnose', node);
      assert.deepEqual(report.workload, { namespace: 'billing', kind: 'Deployment', name: 'invoicer' });
      await done;
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
      assert.ok(ticked('pickContext'));
    });

    it('pick a kube context: the step\'s "Pick a Kube Context" shows the view and lists the context picked', async () => {
      await useScenario('demo');
      // A context the kubeconfig does not have: nothing listed, nothing ticked.
      await api.tree.setContext('no-such-context');
      await api.tree.whenSettled();
      await api.walkthrough.reset();
      assert.equal(completed('pickContext'), false);
      const asked: string[][] = [];
      api.setPrompts({ pick: async <T extends vscode.QuickPickItem>(items: readonly T[]) => (asked.push(items.map((i) => i.label)), items.find((i) => i.label === 'fake-aks')) });
      const done = stepCompleted('pickContext');
      try {
        await vscode.commands.executeCommand('wiDoctor.walkthrough.pickKubeContext');
        await done;
      } finally {
        await api.tree.setContext(undefined);
      }
      assert.deepEqual(asked, [['fake-aks']]);
      assert.ok(api.tree.view.visible, 'the Workload Identity view is shown');
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
      assert.ok(ticked('signIn'));
    });
  });
}

// The sidebar tree in the real extension host, against the fake API server started in this
// process: the view opens from the activity bar and fills with the demo cluster's workloads and
// their states; a label patched behind the extension's back shows up live; a node's Diagnose
// action opens the report of that workload; a fix round-trips through the confirmation (and
// nothing is written when it is declined); a diagnosis's verdict shown over its workload until
// the cluster changes it; the filters; the live YAML; a broken kubeconfig is one node of the
// tree. Every wait is on an event or a poll with a deadline, never a sleep.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CHECKPOINT_TITLES, type CheckpointId } from '../../src/checkpoints/results';
import type { DiagnosisReport } from '../../src/checkpoints/types';
import type { WorkloadIdentityDoctorApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import { startFakeKube, type FakeKube } from '../fake-kube/server';
import { closeAll, EXTENSION_ID, waitUntil } from './helpers';

/** The item's description after a diagnosis that failed at `checkpoint`: its title, then the time. */
const DIAGNOSED = (checkpoint: CheckpointId) => new RegExp(`^✗ ${CHECKPOINT_TITLES[checkpoint].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · diagnosed \\d\\d:\\d\\d$`);

const USE_LABEL = 'azure.workload.identity/use';

export function registerTreeTests(): void {
  describe('workload identity sidebar', function () {
    this.timeout(60_000);
    let api: WorkloadIdentityDoctorApi;
    let fake: FakeKube | undefined;
    let tmp: string;
    const config = () => vscode.workspace.getConfiguration('wiDoctor');

    /** The tree as VS Code sees it: the provider's children, walked from the root. */
    const children = (node?: TreeNode): TreeNode[] => api.tree.getChildren(node) as TreeNode[];
    const find = (label: string, under?: TreeNode): TreeNode | undefined => children(under).find((n) => n.label === label);
    /** The node at a label path below the context node, or undefined. */
    function at(...path: string[]): TreeNode | undefined {
      let node: TreeNode | undefined = children()[0];
      for (const label of path) {
        if (!node) return undefined;
        node = find(label, node);
      }
      return node;
    }

    async function useScenario(scenario: string): Promise<FakeKube> {
      fake = await startFakeKube({ scenario });
      const file = fake.writeKubeconfig(join(tmp, `${scenario}-tree.kubeconfig`));
      await config().update('kubeconfig', file, vscode.ConfigurationTarget.Global);
      await waitUntil('the kubeconfig setting', () => config().get('kubeconfig') === file);
      await api.tree.reconnect();
      await api.tree.whenSettled();
      return fake;
    }

    before(async () => {
      const ext = vscode.extensions.getExtension<WorkloadIdentityDoctorApi>(EXTENSION_ID);
      assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the host`);
      api = await ext.activate();
      tmp = mkdtempSync(join(tmpdir(), 'wi-tree-'));
    });
    afterEach(async () => {
      api.setPrompts(undefined);
      await vscode.commands.executeCommand('wiDoctor.tree.clearFilters');
      await fake?.stop();
      fake = undefined;
      await config().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
      await closeAll();
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    it('opens from the activity bar and fills with every workload and its state', async () => {
      await useScenario('demo');
      await vscode.commands.executeCommand('workbench.view.extension.wiDoctor');
      await waitUntil('the view to be visible', () => api.tree.view.visible);
      const root = children()[0];
      assert.equal(root?.type, 'context');
      assert.equal(root?.label, 'fake-aks');
      const billing = await waitUntil('namespace billing', () => find('billing', root));
      assert.equal(billing.description, '1 ✗ · 1 workload');
      const invoicer = at('billing', 'Deployments', 'invoicer');
      assert.equal(invoicer?.description, 'no client ID on the ServiceAccount');
      assert.equal(at('checkout', 'Deployments', 'cart')?.description, 'label on the Deployment, not the template');
      assert.equal(at('analytics', 'Deployments', 'ingest')?.description, 'injected');
      assert.equal(at('notifications', 'Deployments', 'mailer')?.description, 'AZURE_CLIENT_SECRET set');
      // Expanding a workload: its ServiceAccount with the client ID, its pods, its findings.
      const ingest = at('analytics', 'Deployments', 'ingest')!;
      const below = children(ingest);
      assert.equal(below[0]?.label, 'ServiceAccount ingest-sa');
      assert.match(String(below[0]?.description), /^[0-9a-f-]{36}$/);
      assert.equal(below.filter((n) => n.type === 'pod' && /^injected/.test(String(n.description))).length, 3);
      const item = api.tree.getTreeItem(invoicer!);
      assert.match(String(item.contextValue), /\bfix-annotate\b/);
      assert.ok(item.tooltip, 'a workload has a tooltip listing its findings');
    });

    it('shows a label patched elsewhere within seconds, without a refresh', async () => {
      const kube = await useScenario('demo');
      assert.equal(at('checkout', 'Deployments', 'cart')?.description, 'label on the Deployment, not the template');
      kube.store.patch('Deployment', 'checkout', 'cart', { spec: { template: { metadata: { labels: { [USE_LABEL]: 'true' } } } } });
      // The labelled template rolls out new pods, which the webhook injects: the state that follows, not any other.
      const cart = () => at('checkout', 'Deployments', 'cart');
      const shown = await waitUntil('checkout/cart to show "injected"', () => (cart()?.description === 'injected' ? cart() : undefined), { timeoutMs: 10_000, show: () => cart()?.description });
      assert.equal(shown.type === 'workload' && shown.level, 'ok');
    });

    it('the CodeLens says what the sidebar knows: "Not in <context>" above a workload the cluster does not run (a click picks one it runs), the live state in the tooltip of one it runs; it follows the cluster', async () => {
      const kube = await useScenario('demo');
      const manifest = (name: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: billing\nspec:\n  template:\n    spec:\n      serviceAccountName: invoicer-sa\n      containers:\n        - name: app\n          image: invoicer:1\n`;
      const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: `${manifest('invoicer')}---\n${manifest('reports')}` });
      await vscode.window.showTextDocument(doc);
      const lenses = async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)).filter((l) => l.command?.command === 'wiDoctor.diagnose').map((l) => l.command!);
      const [invoicer, reports] = await lenses();
      assert.equal(invoicer?.title, '$(pulse) Diagnose Workload Identity');
      assert.equal(invoicer?.tooltip, 'Check deployment/invoicer in billing on cluster fake-aks, link by link. The Workload Identity view shows it now as: no client ID on the ServiceAccount.');
      assert.deepEqual(invoicer?.arguments, [{ namespace: 'billing', kind: 'Deployment', name: 'invoicer', context: 'fake-aks' }]);
      assert.equal(reports?.title, '$(circle-slash) Not in fake-aks · Diagnose a workload it runs…');
      assert.equal(reports?.tooltip, 'Deployment/reports in billing is not in cluster fake-aks, as the Workload Identity view lists it live: apply the manifest first, or pick a workload the cluster runs.');
      // Its click: the cluster's pickers of that context, then the diagnosis of the pick.
      const asked: string[] = [];
      api.setPrompts({
        pick: async <T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions) => {
          asked.push(options.title ?? '');
          return items.find((i) => i.label === (asked.length === 1 ? 'billing' : 'invoicer'));
        },
      });
      const report = await vscode.commands.executeCommand<DiagnosisReport>(reports!.command, ...(reports!.arguments ?? []));
      assert.equal(asked.length, 2, asked.join('\n'));
      assert.deepEqual(report?.workload, { namespace: 'billing', kind: 'Deployment', name: 'invoicer' });
      assert.equal(report.firstFailure, 'service-account');
      // Deployed behind the extension's back: the lens turns into a diagnosis, with no edit of the file.
      const invoicerObject = kube.store.get('Deployment', 'billing', 'invoicer')!;
      kube.store.create({ ...invoicerObject, metadata: { name: 'reports', namespace: 'billing', labels: invoicerObject.metadata.labels ?? {} } });
      const deployed = await waitUntil('the second lens to diagnose deployment/reports', async () => {
        const l = (await lenses())[1];
        return l?.title === '$(pulse) Diagnose Workload Identity' ? l : undefined;
      }, { show: async () => (await lenses())[1]?.title });
      assert.deepEqual(deployed!.arguments, [{ namespace: 'billing', kind: 'Deployment', name: 'reports', context: 'fake-aks' }]);
    });

    it('runs the diagnosis from a node and opens its report', async () => {
      await useScenario('demo');
      const node = at('billing', 'Deployments', 'invoicer')!;
      const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.tree.diagnose', node);
      assert.ok(report, 'the tree action returns the report');
      assert.deepEqual(report.workload, { namespace: 'billing', kind: 'Deployment', name: 'invoicer' });
      assert.equal(report.firstFailure, 'service-account');
      await waitUntil('the report view', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Workload Identity: deployment/invoicer in billing'));
    });

    it('applies a fix only after confirmation: dry run, then the patch; the tree updates', async () => {
      const kube = await useScenario('demo');
      const node = () => at('checkout', 'Deployments', 'cart')!;
      const shown: string[] = [];
      // Declined: nothing is written.
      api.setPrompts({ confirm: async (message, detail) => (shown.push(`${message}\n${detail}`), undefined) });
      assert.equal(await vscode.commands.executeCommand('wiDoctor.tree.addLabel', node()), false);
      assert.match(shown[0] ?? '', /Add the label azure\.workload\.identity\/use: "true" to the pod template of Deployment checkout\/cart\?/);
      assert.match(shown[0] ?? '', /kubectl patch deployment\/cart --type merge/);
      assert.equal(kube.requests.filter((r) => r.method === 'PATCH').length, 0, 'nothing written when declined');
      // Accepted: a dry run, then the same patch.
      api.setPrompts({ confirm: async (_m, _d, action) => action, info: async () => undefined });
      assert.equal(await vscode.commands.executeCommand('wiDoctor.tree.addLabel', node()), true);
      assert.deepEqual(kube.requests.filter((r) => r.method === 'PATCH').map((r) => (r.query.dryRun === 'All' ? 'dry-run' : 'apply')), ['dry-run', 'apply']);
      const d = kube.store.get('Deployment', 'checkout', 'cart') as unknown as { spec: { template: { metadata: { labels: Record<string, string> } } } };
      assert.equal(d.spec.template.metadata.labels[USE_LABEL], 'true');
      const shownAfter = await waitUntil('the tree to show the labelled template, its pods injected', () => (node()?.description === 'injected' ? node() : undefined), { timeoutMs: 10_000, show: () => node()?.description });
      assert.equal(shownAfter.type === 'workload' && shownAfter.level, 'ok');
    });

    it('a fix from the tree is guarded by the resourceVersion the view showed: changed while the modal was open, nothing is written', async () => {
      const kube = await useScenario('demo');
      const node = () => at('checkout', 'Deployments', 'cart')!;
      const errors: string[] = [];
      api.setPrompts({
        // Someone else changes the Deployment while the user reads the modal.
        confirm: async (_m, _d, action) => (kube.store.patch('Deployment', 'checkout', 'cart', { metadata: { annotations: { 'someone/else': 'was here' } } }), action),
        error: async (m) => (errors.push(m), undefined),
      });
      assert.equal(await vscode.commands.executeCommand('wiDoctor.tree.addLabel', node()), false);
      const now = kube.store.get('Deployment', 'checkout', 'cart')!;
      assert.equal(errors.length, 1, errors.join('\n'));
      const m = /^Workload Identity Doctor: Deployment checkout\/cart changed since the Workload Identity view showed it \(resourceVersion (\d+) → (\d+)\); nothing was written; try again once the view shows it as it is now\.$/.exec(errors[0]!);
      assert.ok(m, errors[0]);
      assert.equal(m[2], now.metadata.resourceVersion);
      assert.ok(Number(m[1]) < Number(m[2]));
      assert.deepEqual(kube.requests.filter((r) => r.method === 'PATCH').map((r) => r.status), [409], 'the dry run was refused; no real patch');
      assert.equal((now as unknown as { spec: { template: { metadata: { labels?: Record<string, string> } } } }).spec.template.metadata.labels?.[USE_LABEL], undefined);
    });

    it('annotates a ServiceAccount with the client ID the user types', async () => {
      const kube = await useScenario('demo');
      const clientId = '11111111-2222-4333-8444-555555555555';
      api.setPrompts({ input: async () => clientId, confirm: async (_m, _d, action) => action, info: async () => undefined });
      assert.equal(await vscode.commands.executeCommand('wiDoctor.tree.annotateServiceAccount', at('billing', 'Deployments', 'invoicer')), true);
      const sa = kube.store.get('ServiceAccount', 'billing', 'invoicer-sa');
      assert.equal(sa?.metadata.annotations?.['azure.workload.identity/client-id'], clientId);
      await waitUntil('the ServiceAccount node to show the client ID', () => at('billing', 'ServiceAccounts', 'invoicer-sa')?.description?.startsWith(clientId));
    });

    it('after a diagnosis, the item shows its verdict and time, with the same icon as the report, until the cluster changes the workload', async () => {
      const kube = await useScenario('demo');
      const node = () => at('billing', 'Deployments', 'invoicer')!;
      assert.equal(node().description, 'no client ID on the ServiceAccount');
      // The tooltip's lines (getTreeItem renders each as a paragraph of its Markdown).
      const tooltipOf = (n: TreeNode) => (n.tooltip ?? []).join('\n');
      assert.ok(api.tree.getTreeItem(node()).tooltip instanceof vscode.MarkdownString);
      assert.match(tooltipOf(node()), /covers the cluster side only/);
      const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.tree.diagnose', node());
      assert.equal(report.firstFailure, 'service-account');
      const shown = await waitUntil('the verdict on the item', () => {
        const n = node();
        return n.type === 'workload' && DIAGNOSED('service-account').test(String(n.description)) && n;
      });
      assert.equal(shown.level, 'error');
      const item = api.tree.getTreeItem(shown);
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'error');
      assert.match(tooltipOf(shown), new RegExp(`First broken link: ${CHECKPOINT_TITLES['service-account']}`));
      assert.match(tooltipOf(shown), /The sidebar's own state: no client ID on the ServiceAccount/);
      assert.match(tooltipOf(shown), /not Azure, the token or the logs/);
      // The cluster changes the workload (as the watch sees it): the tree's own state again.
      kube.store.patch('Deployment', 'billing', 'invoicer', { metadata: { annotations: { 'example.com/touched': 'yes' } } });
      await waitUntil('the tree\'s own state again', () => node().description === 'no client ID on the ServiceAccount', { timeoutMs: 10_000, show: () => node().description });
      assert.doesNotMatch(tooltipOf(node()), /First broken link/);
    });

    it('a fix from the report: the item shows the re-check, also once the watch has seen the patch', async () => {
      const kube = await useScenario('demo');
      const target = { namespace: 'billing', kind: 'Deployment', name: 'invoicer' };
      const clientId = '11111111-2222-4333-8444-555555555555';
      await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.tree.diagnose', at('billing', 'Deployments', 'invoicer'));
      api.setPrompts({ input: async () => clientId, confirm: async (_m, _d, action) => action });
      const after = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.applyFix', { ...target, context: 'fake-aks', checkpoint: 'service-account', fix: 'annotate-service-account' });
      assert.ok(after, 'the fix resolves to the re-check');
      assert.equal(kube.store.get('ServiceAccount', 'billing', 'invoicer-sa')?.metadata.annotations?.['azure.workload.identity/client-id'], clientId);
      // The pods predate the annotation: the re-check's first broken link is sdk-environment.
      assert.equal(after.firstFailure, 'sdk-environment', after.checkpoints.map((c) => `${c.id}=${c.status}`).join(' '));
      await waitUntil('the watch to show the annotated ServiceAccount', () => at('billing', 'ServiceAccounts', 'invoicer-sa')?.description?.startsWith(clientId));
      assert.match(String(at('billing', 'Deployments', 'invoicer')?.description), DIAGNOSED('sdk-environment'));
    });

    it('a fix applied from the sidebar is a change the next diagnosis of the workload knows of: log lines written before it are earlier errors', async () => {
      await useScenario('logs-aadsts');
      const target = { namespace: 'payments', kind: 'Deployment', name: 'api', context: 'fake-aks' };
      const first = await api.diagnose(target);
      assert.equal(first.firstFailure, 'pod-logs', first.checkpoints.map((c) => `${c.id}=${c.status}: ${c.summary}`).join('\n'));
      const clientId = first.checkpoints.find((c) => c.id === 'service-account')!.summary.match(/[0-9a-f-]{36}/)![0];
      api.setPrompts({ input: async () => clientId, confirm: async (_m, _d, action) => action, info: async () => undefined });
      const before = Date.now();
      assert.equal(await vscode.commands.executeCommand('wiDoctor.tree.annotateServiceAccount', at('payments', 'Deployments', 'api')), true);
      const applied = Date.now();
      // Re-run (a fresh diagnosis of the same workload).
      const again = await api.diagnose(target);
      const logs = again.checkpoints.find((c) => c.id === 'pod-logs')!;
      assert.equal(again.firstFailure, undefined, again.checkpoints.map((c) => `${c.id}=${c.status}: ${c.summary}`).join('\n'));
      assert.equal(logs.status, 'warn', logs.summary);
      const at_ = /every line was written before the last fix, at (\S+Z)/.exec(logs.summary);
      assert.ok(at_, logs.summary);
      const fixedAt = Date.parse(at_[1]!);
      assert.ok(fixedAt >= Math.floor(before / 1000) * 1000 && fixedAt <= applied, `${at_[1]} is when the fix was applied`);
    });

    it('filters: only problems, only Workload Identity, by name', async () => {
      await useScenario('demo');
      await vscode.commands.executeCommand('wiDoctor.tree.onlyProblems');
      const names = () => children(children()[0]).filter((n) => n.type === 'namespace').map((n) => n.label);
      assert.ok(!names().includes('analytics'), `healthy analytics is hidden: ${names().join(', ')}`);
      assert.ok(names().includes('billing'));
      await vscode.commands.executeCommand('wiDoctor.tree.onlyProblemsOff');
      await vscode.commands.executeCommand('wiDoctor.tree.onlyWorkloadIdentity');
      assert.ok(!names().includes('ingress-basic'), 'a namespace without Workload Identity is hidden');
      assert.ok(names().includes('analytics'));
      api.setPrompts({ input: async () => 'invoicer' });
      await vscode.commands.executeCommand('wiDoctor.tree.filterText');
      assert.deepEqual(names(), ['billing']);
      assert.match(String(api.tree.view.message), /names containing "invoicer"/);
    });

    it('shows the live YAML read-only, and copies the federated credential subject', async () => {
      await useScenario('demo');
      const node = at('billing', 'Deployments', 'invoicer')!;
      const editor = await vscode.commands.executeCommand<vscode.TextEditor>('wiDoctor.tree.showYaml', node);
      assert.equal(editor?.document.uri.scheme, 'wi-doctor-live');
      assert.equal(editor.document.languageId, 'yaml');
      assert.match(editor.document.getText(), /^kind: Deployment$/m);
      assert.match(editor.document.getText(), /Read-only/);
      assert.doesNotMatch(editor.document.getText(), /^\s*managedFields:/m);
      const subject = await vscode.commands.executeCommand<string>('wiDoctor.tree.copySubject', node);
      assert.equal(subject, 'system:serviceaccount:billing:invoicer-sa');
      assert.equal(await vscode.env.clipboard.readText(), subject);
    });

    it('turns a broken kubeconfig and an unreachable cluster into one node each', async () => {
      const kube = await useScenario('demo');
      await config().update('kubeconfig', join(tmp, 'missing.kubeconfig'), vscode.ConfigurationTarget.Global);
      await waitUntil('the empty view for a missing kubeconfig', () => api.tree.getChildren().length === 0);
      // Not just between two states: settled, it stays empty (the welcome view explains it).
      await api.tree.whenSettled();
      assert.deepEqual(api.tree.getChildren(), []);
      await config().update('kubeconfig', kube.writeKubeconfig(join(tmp, 'down.kubeconfig')), vscode.ConfigurationTarget.Global);
      await kube.stop();
      fake = undefined;
      await api.tree.whenSettled();
      const root = await waitUntil('the context node', () => children()[0]);
      const nodes = await waitUntil('one failure node', () => {
        const c = children(root);
        return c.length === 1 && c[0]!.type === 'message' && c[0]!.level === 'error' ? c : undefined;
      });
      assert.match(nodes[0]!.label, /127\.0\.0\.1/);
      assert.equal(nodes[0]!.type === 'message' && nodes[0]!.action, 'retry');
    });
  });
}
